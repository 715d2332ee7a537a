import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { apiErrors } from "./errors";

/** The credentials the emulator accepts. */
export interface AcceptedCredentials {
  readonly token: string;
  readonly apiKey?: string | undefined;
  readonly email?: string | undefined;
}

/**
 * Checks the request's credentials the way Cloudflare does: `Authorization: Bearer <token>`, or the
 * legacy `X-Auth-Email` + `X-Auth-Key` pair. Returns a key identifying the caller (for rate limiting,
 * never containing the secret) or throws an ApiError.
 */
export function authenticate(headers: IncomingHttpHeaders, accepted: AcceptedCredentials): string {
  const authorization = single(headers.authorization);
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    const token = match?.[1];
    if (token === undefined) {
      throw apiErrors.malformedAuthorizationHeader();
    }
    if (!secretEquals(token, accepted.token)) {
      throw apiErrors.authentication();
    }
    return "token";
  }

  const email = single(headers["x-auth-email"]);
  const key = single(headers["x-auth-key"]);
  if (email === undefined || key === undefined) {
    throw apiErrors.missingCredentials();
  }
  const emailMatches = accepted.email !== undefined && email.toLowerCase() === accepted.email.toLowerCase();
  const keyMatches = accepted.apiKey !== undefined && secretEquals(key, accepted.apiKey);
  if (!emailMatches || !keyMatches) {
    throw apiErrors.authentication();
  }
  return `api-key:${email.toLowerCase()}`;
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

function secretEquals(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Request headers flattened for the request log. The accepted credentials are kept as sent so tests
 * can assert on them; any other credential is redacted, since it may be someone's real secret.
 */
export function loggableHeaders(headers: IncomingHttpHeaders, accepted: AcceptedCredentials): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "authorization") {
      const token = /^Bearer +(\S+) *$/i.exec(text.trim())?.[1];
      result[name] = token !== undefined && token === accepted.token ? text : redact(text);
    } else if (name === "x-auth-key") {
      result[name] = accepted.apiKey !== undefined && text.trim() === accepted.apiKey ? text : redact(text);
    } else {
      result[name] = text;
    }
  }
  return result;
}

function redact(value: string): string {
  const scheme = /^(\S+) +\S/.exec(value.trim())?.[1];
  return scheme === undefined ? "[redacted]" : `${scheme} [redacted]`;
}
