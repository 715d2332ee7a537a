import type { IncomingHttpHeaders } from "node:http";

/**
 * Headers that carry credentials. Their values are never recorded, not even the emulator's own
 * token: the request log is served by the admin interface and printed by tools, and a client may
 * present someone's real token. `x-auth-user-service-key` is Cloudflare's Origin CA key.
 */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "x-auth-key",
  "x-auth-email",
  "x-auth-user-service-key",
  "cookie",
]);

/** Request headers flattened for the request log, with every credential value redacted. */
export function redactedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    result[name] = CREDENTIAL_HEADERS.has(name) ? redact(name, text) : text;
  }
  return result;
}

/** Keeps an Authorization scheme ("Bearer [redacted]"), which is not secret and helps debugging. */
function redact(name: string, value: string): string {
  const scheme = name.endsWith("authorization") ? /^(\S+) +\S/.exec(value.trim())?.[1] : undefined;
  return scheme === undefined ? "[redacted]" : `${scheme} [redacted]`;
}
