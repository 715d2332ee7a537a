import type * as pulumi from "@pulumi/pulumi";
import { describeValue } from "./client-certificate-inputs";
import { canonicalHostname, describeInvalidHostname, describeInvalidMtlsCertificateId, hostnameSet, MAX_HOSTNAMES } from "./hostnames";
import { describeInvalidId } from "./identifiers";
import { isUnknown } from "./unknown";

/** Inputs of a HostnameAssociation after `check`: hostnames canonical (lower case, sorted, each once). */
export interface HostnameAssociationInputs {
  zoneId: string;
  hostnames: string[];
  /** The BYO CA; absent for the zone's Cloudflare managed CA. */
  mtlsCertificateId?: string;
  exclusive: boolean;
  /** `hostnames` as an object keyed by hostname (see {@link hostnameSetOf}); set by `check`. */
  hostnameSet?: Record<string, true>;
}

export interface HostnameAssociationOutputs {
  zoneId: string;
  mtlsCertificateId?: string;
  exclusive: boolean;
  /** This resource's hostnames that were associated when last written or read. */
  hostnames: string[];
  /** This resource's hostnames that were not associated when last read (removed out of band); the next `up` restores them. */
  missingHostnames: string[];
  /** With `exclusive`: hostnames someone else associated with the CA; the next `up` removes them. Otherwise empty. */
  unexpectedHostnames: string[];
  /** Every hostname associated with the CA when last written or read, this resource's and others', sorted. */
  associatedHostnames: string[];
  /** `hostnames` as an object keyed by hostname (see {@link hostnameSetOf}). */
  hostnameSet: Record<string, true>;
}

/**
 * A set of hostnames as an object keyed by hostname. The engine shows no detailed diff for dynamic
 * providers; it compares old outputs with new inputs property by property, so a list shows as
 * element-by-element changes by index, while this object shows each hostname added (`+`) or removed (`-`).
 */
export function hostnameSetOf(hostnames: readonly string[]): Record<string, true> {
  const set: Record<string, true> = {};
  for (const hostname of hostnames) set[hostname] = true;
  return set;
}

/**
 * Validates HostnameAssociation inputs without any network call. Hostnames become the canonical
 * set, so order, case, duplicates and a trailing dot never show up as changes. Values not yet known
 * (preview) pass through.
 */
export function checkHostnameAssociationInputs(given: unknown): {
  inputs: Record<string, unknown>;
  failures: pulumi.dynamic.CheckFailure[];
} {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const news: Record<string, unknown> =
    typeof given === "object" && given !== null && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
  const inputs: Record<string, unknown> = { ...news };
  const { zoneId, hostnames, mtlsCertificateId, exclusive } = news;

  if (!isUnknown(zoneId)) {
    const problem = zoneId === undefined ? "is required: the id of the Cloudflare zone the hostnames belong to" : describeInvalidId(zoneId);
    if (problem !== undefined) failures.push({ property: "zoneId", reason: `zoneId ${problem}` });
  }

  if (mtlsCertificateId !== undefined && !isUnknown(mtlsCertificateId)) {
    const problem = describeInvalidMtlsCertificateId(mtlsCertificateId);
    if (problem !== undefined)
      failures.push({
        property: "mtlsCertificateId",
        reason: `mtlsCertificateId ${problem}; leave it unset for the zone's Cloudflare managed CA`,
      });
  }

  if (exclusive === undefined) inputs["exclusive"] = false;
  else if (!isUnknown(exclusive) && typeof exclusive !== "boolean") {
    failures.push({ property: "exclusive", reason: `exclusive must be true or false, got ${describeValue(exclusive)}` });
  }

  if (!isUnknown(hostnames)) {
    const problem = checkHostnames(hostnames);
    if (typeof problem === "string") failures.push({ property: "hostnames", reason: problem });
    else if (problem !== undefined) {
      inputs["hostnames"] = problem;
      inputs["hostnameSet"] = hostnameSetOf(problem);
    }
  }
  return { inputs, failures };
}

/** A failure message, the canonical set, or `undefined` when some entries are not known yet. */
function checkHostnames(hostnames: unknown): string | string[] | undefined {
  if (!Array.isArray(hostnames)) {
    return hostnames === undefined
      ? 'hostnames is required: the fully qualified hostnames that must ask for a client certificate, e.g. ["api.example.com"]'
      : `hostnames must be an array of hostnames, got ${describeValue(hostnames)}`;
  }
  if (hostnames.length > MAX_HOSTNAMES) return `hostnames has ${hostnames.length} entries; one resource manages at most ${MAX_HOSTNAMES}`;
  const problems: string[] = [];
  for (const [index, hostname] of hostnames.entries()) {
    if (isUnknown(hostname)) continue;
    if (typeof hostname !== "string") {
      problems.push(`hostnames[${index}] must be a string, got ${describeValue(hostname)}`);
      continue;
    }
    const problem = describeInvalidHostname(canonicalHostname(hostname));
    if (problem !== undefined) problems.push(`hostnames[${index}] ${describeValue(hostname)} ${problem}`);
  }
  if (problems.length > 0) return problems.slice(0, 5).join("; ") + (problems.length > 5 ? `; and ${problems.length - 5} more` : "");
  if (hostnames.some(isUnknown)) return undefined;
  return hostnameSet(hostnames as string[]);
}
