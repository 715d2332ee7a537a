import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { apiErrors } from "./errors";

/** The credentials the emulator accepts. */
export interface AcceptedCredentials {
  readonly token: string;
  readonly apiKey?: string | undefined;
  readonly email?: string | undefined;
}

/** Which credential a request carries, as the emulator judges it; never the value itself. */
export type PresentedCredential = "token" | "api-key" | "rejected" | "none";

type Identification =
  | { readonly kind: "token" }
  | { readonly kind: "api-key"; readonly email: string }
  | { readonly kind: "malformed" }
  | { readonly kind: "wrong" }
  | { readonly kind: "missing" };

/**
 * Checks the request's credentials the way Cloudflare does: `Authorization: Bearer <token>`, or the
 * legacy `X-Auth-Email` + `X-Auth-Key` pair. Returns a key identifying the caller (for rate limiting,
 * never containing the secret) or throws an ApiError.
 */
export function authenticate(headers: IncomingHttpHeaders, accepted: AcceptedCredentials): string {
  const caller = identify(headers, accepted);
  switch (caller.kind) {
    case "token":
      return "token";
    case "api-key":
      return `api-key:${caller.email}`;
    case "malformed":
      throw apiErrors.malformedAuthorizationHeader();
    case "wrong":
      throw apiErrors.authentication();
    case "missing":
      throw apiErrors.missingCredentials();
  }
}

/** For the request log, which must say whose credential was used without recording any. */
export function presentedCredential(headers: IncomingHttpHeaders, accepted: AcceptedCredentials): PresentedCredential {
  const caller = identify(headers, accepted);
  switch (caller.kind) {
    case "token":
    case "api-key":
      return caller.kind;
    case "malformed":
    case "wrong":
      return "rejected";
    case "missing":
      return "none";
  }
}

function identify(headers: IncomingHttpHeaders, accepted: AcceptedCredentials): Identification {
  const authorization = single(headers.authorization);
  if (authorization !== undefined) {
    const token = /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
    if (token === undefined) return { kind: "malformed" };
    return secretEquals(token, accepted.token) ? { kind: "token" } : { kind: "wrong" };
  }

  const email = single(headers["x-auth-email"]);
  const key = single(headers["x-auth-key"]);
  if (email === undefined || key === undefined) return { kind: "missing" };
  const emailMatches = accepted.email !== undefined && email.toLowerCase() === accepted.email.toLowerCase();
  const keyMatches = accepted.apiKey !== undefined && secretEquals(key, accepted.apiKey);
  return emailMatches && keyMatches ? { kind: "api-key", email: email.toLowerCase() } : { kind: "wrong" };
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}

function secretEquals(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
