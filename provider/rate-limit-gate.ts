import { createHash } from "node:crypto";

/**
 * When Cloudflare refuses a request with 429, it refuses every request of those credentials until the
 * block ends (5 minutes for the global limit). The gate remembers that per provider process, so the
 * other operations running or queued behind it wait for the same moment instead of each sending a
 * request into the block, being refused and backing off on its own: they all resume when Cloudflare
 * said, and a block is never prolonged by requests sent during it.
 *
 * A plain object keyed by endpoint and a hash of the credentials (never the credentials): one gate per
 * Cloudflare account and token, shared by every provider and operation loaded from this module.
 */
const reopensAt: Record<string, number> = {};

/** The gate of one endpoint and credential set: its key holds no credential. */
export function gateKey(baseUrl: string, authenticationHeaders: Record<string, string>): string {
  const credentials = Object.keys(authenticationHeaders)
    .sort()
    .map((name) => `${name}:${authenticationHeaders[name]}`)
    .join("\n");
  return `${baseUrl} ${createHash("sha256").update(credentials).digest("hex").slice(0, 32)}`;
}

/** Milliseconds until the gate opens; 0 when it is open. */
export function gateWaitMs(key: string, nowMs: number): number {
  const until = reopensAt[key];
  return until === undefined ? 0 : Math.max(0, until - nowMs);
}

/** Closes the gate until `untilMs` (epoch), unless it is already closed for longer. */
export function closeGate(key: string, untilMs: number): void {
  reopensAt[key] = Math.max(reopensAt[key] ?? 0, untilMs);
}
