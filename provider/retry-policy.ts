/**
 * When and how long to wait before retrying a Cloudflare request. Pure functions,
 * so the policy can be tested without a clock or a network.
 */

/** Limits of the retry loop. */
export interface RetryPolicy {
  /** Retries after the first attempt. @default 4 */
  maxRetries: number;
  /** First backoff delay; doubles on each retry. @default 500 */
  baseDelayMs: number;
  /** Cap of one backoff delay (a server's Retry-After may ask for more). @default 8000 */
  maxDelayMs: number;
  /**
   * Cap of all waiting between attempts in one operation (every request it sends), including waiting out a
   * rate-limit block that another request of the provider process was told about. A Cloudflare rate-limit
   * block lasts 5 minutes, so the default leaves room to sit one out rather than fail the deployment.
   * @default 330000
   */
  maxTotalWaitMs: number;
}

/** The default policy, close to Cloudflare's official SDK but with a total bound. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxTotalWaitMs: 330_000,
};

/** HTTP statuses that say "try again later": timeout, rate limit, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Socket-level failures worth another attempt (an array, not a Set: provider/README.md, rule 2). */
const RETRYABLE_ERROR_CODES = [
  "ETIMEDOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ENOTFOUND",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
];

/** Whether a request error (no HTTP response) is transient. */
export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_ERROR_CODES.includes(code);
}

/**
 * Errors raised before the request could reach the server: retrying them cannot
 * duplicate a non-idempotent request such as a certificate POST.
 */
export function failedBeforeSending(code: string | undefined): boolean {
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ENETUNREACH";
}

/**
 * Waiting already spent by one operation (a provider create, read, update or delete, or one
 * client method call): shared by its requests, so pages of a list or a create and its recovery
 * together stay within `maxTotalWaitMs`.
 */
export interface RetryBudget {
  waitedMs: number;
  /** Epoch milliseconds until which the operation has already waited (its last wait's end). */
  waitedUntilMs?: number;
}

/**
 * Reads how long the server asked to wait: `retry-after-ms`, then `retry-after` in
 * seconds or as an HTTP date. Returns milliseconds, or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, nowMs: number): number | undefined {
  const first = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  // An absent header reads as NaN, which is not finite.
  const milliseconds = Number(first("retry-after-ms"));
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  // A blank value fails both the seconds pattern and Date.parse.
  const retryAfter = first("retry-after")?.trim();
  if (retryAfter === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Exponential backoff with jitter over the upper half, so concurrent clients spread out. */
export function backoffDelay(retryIndex: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** The decision after a failed attempt. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Decides whether to retry after attempt number `retryIndex` (0 for the first
 * attempt) failed, given how long this call already waited and what the server asked.
 */
export function decideRetry(options: {
  retryIndex: number;
  waitedMs: number;
  retryAfterMs: number | undefined;
  policy: RetryPolicy;
  random?: () => number;
}): RetryDecision {
  const { retryIndex, waitedMs, retryAfterMs, policy } = options;
  if (retryIndex >= policy.maxRetries) {
    return { retry: false, reason: `gave up after ${retryIndex + 1} attempts` };
  }
  const delayMs = retryAfterMs ?? backoffDelay(retryIndex, policy, options.random);
  if (waitedMs + delayMs > policy.maxTotalWaitMs) {
    const asked = retryAfterMs === undefined ? "the next backoff" : `Cloudflare asked to wait ${Math.ceil(retryAfterMs / 1000)} s, which`;
    return {
      retry: false,
      reason: `${asked} would exceed the retry budget of ${Math.round(policy.maxTotalWaitMs / 1000)} s (already waited ${Math.round(waitedMs / 1000)} s)`,
    };
  }
  return { retry: true, delayMs };
}
