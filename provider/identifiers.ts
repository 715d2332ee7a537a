/** Cloudflare identifiers (zone ids, certificate ids) are 32 lowercase hex characters. */
const CLOUDFLARE_ID = /^[0-9a-f]{32}$/;

/** Whether `value` has the shape of a Cloudflare identifier. */
export function isCloudflareId(value: unknown): value is string {
  return typeof value === "string" && CLOUDFLARE_ID.test(value);
}

/** Why `value` is not a Cloudflare identifier, or `undefined` when it is one. */
export function describeInvalidId(value: unknown): string | undefined {
  if (isCloudflareId(value)) return undefined;
  if (typeof value !== "string") return `must be a string, got ${value === null ? "null" : typeof value}`;
  if (value.length === 0) return "must not be empty";
  if (/^[0-9A-Fa-f]{32}$/.test(value)) return "must be lowercase hex (Cloudflare identifiers are lowercase)";
  const got = value.length === 1 ? "1 character" : `${value.length} characters`;
  return `must be 32 lowercase hex characters (got ${got}); copy it from the Cloudflare dashboard (zone Overview, "Zone ID") or the API`;
}
