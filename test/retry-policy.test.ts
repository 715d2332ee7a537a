import {
  backoffDelay,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  failedBeforeSending,
  isRetryableErrorCode,
  isRetryableStatus,
  parseRetryAfter,
} from "../provider/retry-policy";

const now = Date.parse("2026-11-29T12:00:00Z");

describe("parseRetryAfter", () => {
  const cases: Array<{ name: string; headers: Record<string, string>; want: number | undefined }> = [
    { name: "seconds", headers: { "retry-after": "300" }, want: 300_000 },
    { name: "fractional seconds", headers: { "retry-after": "1.5" }, want: 1_500 },
    { name: "milliseconds header first", headers: { "retry-after-ms": "250", "retry-after": "9" }, want: 250 },
    { name: "an HTTP date", headers: { "retry-after": "Sun, 29 Nov 2026 12:00:30 GMT" }, want: 30_000 },
    { name: "a date in the past", headers: { "retry-after": "Sun, 29 Nov 2026 11:00:00 GMT" }, want: 0 },
    { name: "garbage", headers: { "retry-after": "soon" }, want: undefined },
    { name: "no header", headers: {}, want: undefined },
  ];
  test.each(cases)("reads $name", ({ headers, want }) => {
    expect(parseRetryAfter(headers, now)).toBe(want);
  });
});

describe("backoffDelay", () => {
  test("doubles from 0.5 s, caps at 8 s and jitters within the upper half", () => {
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, DEFAULT_RETRY_POLICY, () => 1))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, DEFAULT_RETRY_POLICY, () => 0))).toEqual([
      250, 500, 1000, 2000, 4000, 4000,
    ]);
  });
});

describe("decideRetry", () => {
  test("honours a server's Retry-After even beyond the backoff cap", () => {
    expect(decideRetry({ retryIndex: 0, waitedMs: 0, retryAfterMs: 300_000, policy: DEFAULT_RETRY_POLICY })).toEqual({
      retry: true,
      delayMs: 300_000,
    });
  });

  test("refuses a wait that would exceed the total budget and says why", () => {
    const decision = decideRetry({ retryIndex: 1, waitedMs: 60_000, retryAfterMs: 300_000, policy: DEFAULT_RETRY_POLICY });
    expect(decision).toEqual({
      retry: false,
      reason: "Cloudflare asked to wait 300 s, which would exceed the retry budget of 330 s (already waited 60 s)",
    });
  });

  test("a wait that exactly fills the budget is allowed", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxTotalWaitMs: 10_000 };
    expect(decideRetry({ retryIndex: 0, waitedMs: 4_000, retryAfterMs: 6_000, policy })).toEqual({ retry: true, delayMs: 6_000 });
    expect(decideRetry({ retryIndex: 0, waitedMs: 4_001, retryAfterMs: 6_000, policy })).toMatchObject({ retry: false });
  });

  test("a backoff past the budget is named as the next backoff", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 8_000, maxDelayMs: 8_000, maxTotalWaitMs: 10_000 };
    expect(decideRetry({ retryIndex: 0, waitedMs: 6_000, retryAfterMs: undefined, policy, random: () => 1 })).toEqual({
      retry: false,
      reason: "the next backoff would exceed the retry budget of 10 s (already waited 6 s)",
    });
  });

  test("stops after the configured number of retries", () => {
    expect(decideRetry({ retryIndex: 4, waitedMs: 0, retryAfterMs: undefined, policy: DEFAULT_RETRY_POLICY })).toEqual({
      retry: false,
      reason: "gave up after 5 attempts",
    });
  });
});

test.each([
  [408, true],
  [429, true],
  [500, true],
  [503, true],
  [400, false],
  [403, false],
  [404, false],
  [409, false],
])("status %i is retryable: %s", (status, want) => {
  expect(isRetryableStatus(status)).toBe(want);
});

describe("parseRetryAfter: which header wins and which values are read", () => {
  const now = Date.parse("2026-11-29T12:00:00Z");
  test.each<[string, Record<string, string | string[] | undefined>, number | undefined]>([
    ["retry-after-ms over retry-after", { "retry-after-ms": "250", "retry-after": "9" }, 250],
    ["retry-after-ms of zero", { "retry-after-ms": "0" }, 0],
    ["a negative retry-after-ms falls back to retry-after", { "retry-after-ms": "-5", "retry-after": "2" }, 2000],
    ["an unreadable retry-after-ms falls back to retry-after", { "retry-after-ms": "soon", "retry-after": "2" }, 2000],
    ["an infinite retry-after-ms falls back to retry-after", { "retry-after-ms": "Infinity", "retry-after": "2" }, 2000],
    ["seconds with white space around them", { "retry-after": " 3 " }, 3000],
    ["the first of repeated headers", { "retry-after": ["3", "7"] }, 3000],
    ["seconds with a fraction", { "retry-after": "1.5" }, 1500],
    ["blank", { "retry-after": "  " }, undefined],
    ["seconds followed by text", { "retry-after": "5 s" }, undefined],
    ["text followed by seconds", { "retry-after": "x5" }, undefined],
    ["a fraction of several digits", { "retry-after": "1.25" }, 1250],
    ["an HTTP date", { "retry-after": "Sun, 29 Nov 2026 12:00:04 GMT" }, 4000],
    ["an HTTP date in the past", { "retry-after": "Sun, 29 Nov 2026 11:00:00 GMT" }, 0],
  ])("%s", (_name, headers, want) => {
    expect(parseRetryAfter(headers, now)).toBe(want);
  });
});

describe("request errors", () => {
  test.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH"])("%s failed before sending: a POST may be retried", (code) => {
    expect(failedBeforeSending(code)).toBe(true);
  });
  test.each(["ECONNRESET", "ETIMEDOUT", "EPIPE", "", undefined])("%p may have reached the server", (code) => {
    expect(failedBeforeSending(code)).toBe(false);
  });
  // Listed again rather than imported from RETRYABLE_ERROR_CODES: a test reading the constant would
  // pass with a misspelled entry.
  test.each([
    "ETIMEDOUT",
    "ECONNRESET",
    "ECONNREFUSED",
    "EPIPE",
    "ENOTFOUND",
    "ENETUNREACH",
    "EAI_AGAIN",
    "ECONNABORTED",
    "UND_ERR_SOCKET",
  ])("%s is transient: an idempotent request is retried", (code) => {
    expect(isRetryableErrorCode(code)).toBe(true);
  });
  test("an unknown or missing code is not retried", () => {
    expect(isRetryableErrorCode(undefined)).toBe(false);
    expect(isRetryableErrorCode("EWHATEVER")).toBe(false);
    expect(isRetryableErrorCode("ECONNRESET")).toBe(true);
  });
});
