/**
 * Hostnames as hostname associations and WAF rules take them: fully qualified, lower case, compared as
 * sets. Plain functions and regular expressions only (provider/README.md).
 */

/** The most hostnames one resource may manage; also bounds what a rule expression is built from. */
export const MAX_HOSTNAMES = 1000;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why `value` is not a fully qualified hostname, or `undefined` when it is one. Takes the canonical
 * form (see {@link canonicalHostname}): lower case, no trailing dot.
 */
export function describeInvalidHostname(value: string): string | undefined {
  if (value.length === 0) return "is empty";
  if (value.length > 253) return `is ${value.length} characters long; a hostname has at most 253`;
  if (value.startsWith("*")) return "is a wildcard; list each hostname (the WAF rule compares http.host exactly)";
  if (/[^\x21-\x7e]/.test(value))
    return "contains spaces, control or non-ASCII characters; write an internationalised name in its xn-- (punycode) form";
  const labels = value.split(".");
  if (labels.length < 2)
    return "is not fully qualified: add the zone name (the API does not append it, unlike the dashboard), e.g. api.example.com";
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return bad === ""
      ? "has an empty label (two dots in a row, or a leading dot)"
      : `has the label ${JSON.stringify(bad.slice(0, 70))}: labels are 1 to 63 letters, digits and inner hyphens`;
  }
  // Every label is known to be well formed here, so this is "the last label is all digits".
  if (/\.[0-9]+$/.test(value)) return "is an IP address; hostname associations take hostnames";
  return undefined;
}

/** Lower case, without one trailing dot: `API.Example.com.` becomes `api.example.com`. */
export function canonicalHostname(value: string): string {
  const lower = value.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** The canonical set: each hostname once, sorted, so order and duplicates never cause a diff. */
export function hostnameSet(values: readonly string[]): string[] {
  return [...new Set(values.map(canonicalHostname))].sort();
}

/** Whether two hostname lists hold the same hostnames, ignoring order, duplicates and case. */
export function sameHostnames(a: readonly string[], b: readonly string[]): boolean {
  const left = hostnameSet(a);
  const right = hostnameSet(b);
  return left.length === right.length && left.every((hostname, index) => hostname === right[index]);
}

/** Ids of uploaded mTLS certificates (BYO CAs): a Cloudflare identifier (32 hex) or a UUID, lower case. */
const MTLS_CERTIFICATE_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Whether `value` is a well-formed mTLS certificate id, safe to send in a query string or body. */
export function isMtlsCertificateId(value: unknown): value is string {
  return typeof value === "string" && MTLS_CERTIFICATE_ID.test(value);
}

/** Why `value` is not an mTLS certificate id, or `undefined`. */
export function describeInvalidMtlsCertificateId(value: unknown): string | undefined {
  if (isMtlsCertificateId(value)) return undefined;
  if (typeof value !== "string") return `must be a string, got ${value === null ? "null" : typeof value}`;
  if (MTLS_CERTIFICATE_ID.test(value.toLowerCase())) return "must be lower case, as Cloudflare writes ids";
  return "must be the id of an uploaded mTLS certificate (32 lowercase hex characters or a UUID); copy it from `GET /accounts/{account_id}/mtls_certificates`";
}
