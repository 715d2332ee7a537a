/** Requests allowed per sliding window, and how long a client is locked out after exceeding it. */
export interface RateLimitConfig {
  readonly maxRequests: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/** Cloudflare's global API limit: 1200 requests per 5 minutes per user, then 5 minutes of 429s. */
export const CLOUDFLARE_RATE_LIMIT: RateLimitConfig = { maxRequests: 1200, windowMs: 300_000, blockMs: 300_000 };

export type RateLimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface ClientWindow {
  /** Arrival times inside the current window, oldest first. */
  arrivals: number[];
  blockedUntil: number;
}

/**
 * Sliding-window limiter keyed by credential. Once a client exceeds the window it is blocked for
 * `blockMs`; requests made while blocked are refused and not counted.
 */
export class RateLimiter {
  readonly #config: RateLimitConfig;
  readonly #clients = new Map<string, ClientWindow>();

  constructor(config: RateLimitConfig) {
    this.#config = config;
  }

  check(clientKey: string, now: number): RateLimitDecision {
    const client = this.#clients.get(clientKey) ?? { arrivals: [], blockedUntil: 0 };
    this.#clients.set(clientKey, client);
    if (now < client.blockedUntil) {
      return { allowed: false, retryAfterSeconds: secondsUntil(client.blockedUntil, now) };
    }
    const windowStart = now - this.#config.windowMs;
    while (client.arrivals.length > 0 && (client.arrivals[0] ?? now) <= windowStart) {
      client.arrivals.shift();
    }
    if (client.arrivals.length >= this.#config.maxRequests) {
      client.blockedUntil = now + this.#config.blockMs;
      client.arrivals = [];
      return { allowed: false, retryAfterSeconds: secondsUntil(client.blockedUntil, now) };
    }
    client.arrivals.push(now);
    return { allowed: true };
  }

  reset(): void {
    this.#clients.clear();
  }
}

function secondsUntil(deadline: number, now: number): number {
  return Math.max(1, Math.ceil((deadline - now) / 1000));
}
