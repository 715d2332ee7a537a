/** Prefix of the emulated Cloudflare v4 API. */
export const API_PREFIX = "/client/v4";

export const ROUTE_NAMES = ["list", "get", "create", "reactivate", "revoke", "get-hostnames", "replace-hostnames"] as const;
/** The five operations of the client-certificate API and the two of hostname associations. */
export type RouteName = (typeof ROUTE_NAMES)[number];

export type RouteMatch =
  | {
      readonly kind: "operation";
      readonly route: RouteName;
      readonly zoneId: string;
      readonly certificateId: string | null;
      /** The path as Cloudflare quotes it in errors, without `/client/v4`. */
      readonly apiPath: string;
    }
  /** A known route whose zone or certificate identifier is malformed. */
  | { readonly kind: "invalid-identifier"; readonly route: RouteName; readonly apiPath: string }
  | { readonly kind: "method-not-allowed"; readonly allowed: readonly string[]; readonly apiPath: string }
  | { readonly kind: "not-found"; readonly apiPath: string };

const COLLECTION_METHODS: Readonly<Record<string, RouteName>> = { GET: "list", POST: "create" };
const ITEM_METHODS: Readonly<Record<string, RouteName>> = { GET: "get", PATCH: "reactivate", DELETE: "revoke" };
const ASSOCIATION_METHODS: Readonly<Record<string, RouteName>> = { GET: "get-hostnames", PUT: "replace-hostnames" };

/** Real zone and certificate ids are 32 lowercase hex characters. */
export function isIdentifier(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

/** Maps a method and pathname (already known to start with API_PREFIX) to an operation. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const apiPath = pathname.slice(API_PREFIX.length) || "/";
  const segments = apiPath.replace(/\/$/, "").split("/").slice(1);
  const [root, rawZoneId, collection, rawCertificateId, ...rest] = segments;
  if (
    root === "zones" &&
    rawZoneId !== undefined &&
    collection === "certificate_authorities" &&
    rawCertificateId === "hostname_associations" &&
    rest.length === 0
  ) {
    return matchAssociations(method, rawZoneId, apiPath);
  }
  if (root !== "zones" || rawZoneId === undefined || collection !== "client_certificates" || rest.length > 0) {
    return { kind: "not-found", apiPath };
  }

  const methods = rawCertificateId === undefined ? COLLECTION_METHODS : ITEM_METHODS;
  const route = methods[method];
  if (route === undefined) {
    return { kind: "method-not-allowed", allowed: Object.keys(methods), apiPath };
  }

  const zoneId = decode(rawZoneId);
  const certificateId = rawCertificateId === undefined ? null : decode(rawCertificateId);
  const identifiersValid =
    zoneId !== null && isIdentifier(zoneId) && (rawCertificateId === undefined || (certificateId !== null && isIdentifier(certificateId)));
  if (!identifiersValid || zoneId === null) {
    return { kind: "invalid-identifier", route, apiPath };
  }
  return { kind: "operation", route, zoneId, certificateId, apiPath };
}

function matchAssociations(method: string, rawZoneId: string, apiPath: string): RouteMatch {
  const route = ASSOCIATION_METHODS[method];
  if (route === undefined) return { kind: "method-not-allowed", allowed: Object.keys(ASSOCIATION_METHODS), apiPath };
  const zoneId = decode(rawZoneId);
  if (zoneId === null || !isIdentifier(zoneId)) return { kind: "invalid-identifier", route, apiPath };
  return { kind: "operation", route, zoneId, certificateId: null, apiPath };
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
