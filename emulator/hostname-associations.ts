import { successEnvelope } from "./envelope";
import { apiErrors } from "./errors";
import type { OperationResult } from "./operations";

/**
 * Hostname associations per zone and CA: which hostnames ask for a client certificate signed by
 * the zone's managed CA (`mtls_certificate_id` absent) or by a BYO CA (an uploaded mTLS certificate).
 * A PUT replaces the whole list of one CA; `[]` removes every association of it.
 */
export class HostnameAssociationStore {
  readonly #lists = new Map<string, string[]>();
  readonly #byoCertificateIds: Set<string>;

  constructor(byoCertificateIds: readonly string[]) {
    this.#byoCertificateIds = new Set(byoCertificateIds);
  }

  /** Whether a BYO CA with this id was uploaded (the emulator knows those given in `mtlsCertificates`). */
  hasCertificate(id: string): boolean {
    return this.#byoCertificateIds.has(id);
  }

  addCertificate(id: string): void {
    this.#byoCertificateIds.add(id);
  }

  get(zoneId: string, mtlsCertificateId: string | null): string[] {
    return [...(this.#lists.get(key(zoneId, mtlsCertificateId)) ?? [])];
  }

  replace(zoneId: string, mtlsCertificateId: string | null, hostnames: readonly string[]): void {
    if (hostnames.length === 0) this.#lists.delete(key(zoneId, mtlsCertificateId));
    else this.#lists.set(key(zoneId, mtlsCertificateId), [...hostnames]);
  }

  clear(): void {
    this.#lists.clear();
  }
}

function key(zoneId: string, mtlsCertificateId: string | null): string {
  return `${zoneId}/${mtlsCertificateId ?? "managed"}`;
}

/** Ids of uploaded mTLS certificates: Cloudflare identifiers (32 hex) or UUIDs, lower case. */
export function isMtlsCertificateId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
}

/**
 * A fully qualified hostname as the API takes it: at most 253 characters, two or more labels of
 * letters, digits and inner hyphens (1 to 63 each), optionally a leading `*` label. The dashboard
 * appends the zone name to a bare label; the API does not, so `api` alone is refused.
 */
export function isFullyQualifiedHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.split(".");
  if (labels.length < 2) return false;
  return labels.every((label, index) => (index === 0 && label === "*") || /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

export interface AssociationRequest {
  readonly zoneId: string;
  readonly query: URLSearchParams;
  readonly body: string;
}

/** GET: the hostnames of the CA named by `?mtls_certificate_id=`, or of the managed CA. */
export function getHostnameAssociations(store: HostnameAssociationStore, request: AssociationRequest): OperationResult {
  const raw = request.query.get("mtls_certificate_id");
  const id = raw === null ? null : knownCertificate(store, raw);
  return ok(store.get(request.zoneId, id));
}

/** PUT: replaces the CA's list with `hostnames` (duplicates kept once, order kept). */
export function replaceHostnameAssociations(store: HostnameAssociationStore, request: AssociationRequest): OperationResult {
  const body = parseObject(request.body);
  const rawId = body["mtls_certificate_id"];
  if (rawId !== undefined && typeof rawId !== "string") throw apiErrors.mtlsCertificateIdInvalid();
  const id = rawId === undefined ? null : knownCertificate(store, rawId);
  // The SDK types `hostnames` as optional; absent means an empty list here (undocumented at Cloudflare).
  const hostnames = body["hostnames"] ?? [];
  if (!Array.isArray(hostnames)) throw apiErrors.hostnamesInvalid("hostnames must be an array of strings");
  for (const hostname of hostnames) {
    if (typeof hostname !== "string" || !isFullyQualifiedHostname(hostname)) {
      throw apiErrors.hostnamesInvalid(`${JSON.stringify(hostname)?.slice(0, 100)} is not a fully qualified hostname`);
    }
  }
  store.replace(request.zoneId, id, [...new Set(hostnames as string[])]);
  return ok(store.get(request.zoneId, id));
}

function knownCertificate(store: HostnameAssociationStore, id: string): string {
  if (!isMtlsCertificateId(id)) throw apiErrors.mtlsCertificateIdInvalid();
  if (!store.hasCertificate(id)) throw apiErrors.mtlsCertificateNotFound();
  return id;
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw apiErrors.malformedJson();
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw apiErrors.malformedJson();
  return value as Record<string, unknown>;
}

function ok(hostnames: string[]): OperationResult {
  return { status: 200, envelope: successEnvelope({ hostnames }) };
}
