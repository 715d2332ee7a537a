import type { Got } from "got" with { "resolution-mode": "import" };
import { describeBody, parseEnvelope } from "./api-envelope";
import type { ApiEnvelope, ApiMessage } from "./api-types";
import { MAX_RESPONSE_BYTES, receiveBounded, responseTooLargeError, type BoundedResponse } from "./bounded-body";
import {
  authenticationHeaders,
  CODE_CREDENTIAL_NAMES,
  resolveConnectionSettings,
  settingsFromEnvironment,
  validateBaseUrl,
  validateCredentials,
  type ConnectionSettings,
} from "./credentials";
import { delay } from "./delay";
import { hideProperty } from "./hidden-property";
import { closeGate, gateKey, gateWaitMs } from "./rate-limit-gate";
import {
  AuthenticationError,
  CloudflareApiError,
  NotFoundError,
  RateLimitedError,
  UncertainOutcomeError,
  describeOperation,
  formatApiErrors,
  type OperationContext,
} from "./errors";
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  failedBeforeSending,
  isRetryableErrorCode,
  isRetryableStatus,
  parseRetryAfter,
  type RetryBudget,
  type RetryPolicy,
} from "./retry-policy";

/** Tuning of the HTTP layer. */
export interface TransportOptions {
  /** Time limit of one attempt, from connect to the last byte. @default 30000 */
  timeoutMs?: number;
  /** Overrides of the retry policy. */
  retry?: Partial<RetryPolicy>;
  /** Waits between attempts; replaceable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Share one retry budget (`retry.maxTotalWaitMs` of waiting) between every request sent through
   * this transport, for a client that serves one operation, as the providers' do. Otherwise each
   * client method call has its own budget (all pages of a list share one).
   * @default false
   */
  shareRetryBudget?: boolean;
}

/**
 * Which failures a request may retry:
 * - `idempotent`: any transient failure (GET, PATCH reactivate, DELETE revoke);
 * - `unsent-only`: only failures that prove the server did not act (429, connection refused),
 *   because repeating a certificate POST could issue a second certificate.
 */
export type RetryMode = "idempotent" | "unsent-only";

/** One API call. */
export interface ApiRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the base URL, without a leading slash. */
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  context: OperationContext;
  retryMode: RetryMode;
}

/** A successful, unwrapped response. */
export interface ApiResponse<T> {
  result: T;
  envelope: ApiEnvelope<T>;
}

/** Cloudflare codes that mean the credentials were rejected. */
const AUTHENTICATION_CODES = [6003, 6111, 9103, 9106, 9109, 10000, 10001];

/** Cloudflare's "Invalid Certificate ID". */
export const CODE_CERTIFICATE_NOT_FOUND = 1415;

type AttemptOutcome =
  | {
      kind: "response";
      status: number;
      headers: Record<string, string | string[] | undefined>;
      envelope: ApiEnvelope<unknown> | undefined;
      rawBody: string;
    }
  | { kind: "no-response"; code: string | undefined; message: string };

/** A transport for `options.connection`, or for the environment's credentials and base URL when it is omitted. */
export function transportFor(options: TransportOptions & { connection?: ConnectionSettings | undefined }): HttpTransport {
  const connection = options.connection ?? resolveConnectionSettings([{ origin: "the environment", settings: settingsFromEnvironment() }]);
  return new HttpTransport(connection, options);
}

/**
 * Sends Cloudflare API requests through one `got` instance: authentication,
 * envelope unwrapping, error mapping and the retry loop.
 */
export class HttpTransport {
  readonly baseUrl: string;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  /** Kept off enumerable properties so credentials never show up when the transport is logged. */
  declare private readonly headers: Record<string, string>;
  declare private client: Got | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly sharedBudget: RetryBudget | undefined;
  /** This endpoint's and credentials' rate-limit gate (see rate-limit-gate.ts); holds no credential. */
  private readonly gate: string;

  constructor(connection: ConnectionSettings, options: TransportOptions = {}) {
    // Settings resolved from config or environment were checked already; these checks also cover
    // connections passed in code, so no request can leave with a header the HTTP layer rejects.
    validateCredentials(connection.credentials, CODE_CREDENTIAL_NAMES);
    this.baseUrl = validateBaseUrl(connection.baseUrl);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep = options.sleep ?? delay;
    this.sharedBudget = options.shareRetryBudget === true ? { waitedMs: 0 } : undefined;
    hideProperty(this, "headers", authenticationHeaders(connection.credentials));
    this.gate = gateKey(this.baseUrl, this.headers);
    hideProperty(this, "client", undefined);
  }

  /** The budget for one client method call: the shared one (`shareRetryBudget`), or a fresh one. */
  budgetForCall(): RetryBudget {
    return this.sharedBudget ?? { waitedMs: 0 };
  }

  /**
   * Sends `request`, retrying as its mode allows, and returns the unwrapped result. Waiting
   * between attempts is charged to `budget`: pass the same budget to every request of one
   * operation so that together they never wait longer than `policy.maxTotalWaitMs`.
   */
  async send<T>(request: ApiRequest, budget: RetryBudget = this.budgetForCall()): Promise<ApiResponse<T>> {
    for (let retryIndex = 0; ; retryIndex++) {
      await this.passGate(request, budget);
      const outcome = await this.attempt(request);
      const classified = this.classify<T>(request, outcome);
      if (classified.kind === "success") return classified.response;
      if (classified.kind === "final") throw classified.error;
      const decision = decideRetry({ retryIndex, waitedMs: budget.waitedMs, retryAfterMs: classified.retryAfterMs, policy: this.policy });
      const now = Date.now();
      // Closed even when this operation gives up: the block holds for the others too.
      if (classified.rateLimited) closeGate(this.gate, now + (classified.retryAfterMs ?? (decision.retry ? decision.delayMs : 0)));
      if (!decision.retry) throw classified.giveUp(decision.reason);
      budget.waitedUntilMs = now + decision.delayMs;
      await this.sleep(decision.delayMs);
      budget.waitedMs += decision.delayMs;
    }
  }

  /**
   * Waits while another request of this process was told by a 429 to hold off, charging the wait to
   * `budget`. A gate this operation closed itself, and has waited for already, is not waited for again.
   */
  private async passGate(request: ApiRequest, budget: RetryBudget): Promise<void> {
    const from = Math.max(Date.now(), budget.waitedUntilMs ?? 0);
    const waitMs = gateWaitMs(this.gate, from);
    if (waitMs === 0) return;
    if (budget.waitedMs + waitMs > this.policy.maxTotalWaitMs) {
      throw new RateLimitedError(
        `${describeOperation(request.context)}: rate limited by Cloudflare for ${Math.ceil(waitMs / 1000)} s more (another request with these credentials was refused), which would exceed the retry budget of ${Math.round(this.policy.maxTotalWaitMs / 1000)} s (already waited ${Math.round(budget.waitedMs / 1000)} s)`,
        { status: 429, retryAfterSeconds: Math.ceil(waitMs / 1000) },
      );
    }
    budget.waitedUntilMs = from + waitMs;
    await this.sleep(waitMs);
    budget.waitedMs += waitMs;
  }

  private async http(): Promise<Got> {
    if (this.client === undefined) {
      const { default: got } = await import("got");
      this.client = got.extend({
        prefixUrl: this.baseUrl,
        headers: { ...this.headers, "user-agent": "pulumi-cloudflare-mtls", accept: "application/json" },
        // got's own retry is off: send() retries instead, because got's cannot share one wait budget across
        // the requests of an operation, cannot tell a POST that never left from one that may have issued a
        // certificate (retryMode), and does not read Cloudflare's `retry-after-ms`.
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        responseType: "text",
        timeout: { request: this.timeoutMs },
      });
    }
    return this.client;
  }

  /**
   * Sends one request. The body is streamed and read only up to {@link MAX_RESPONSE_BYTES} after
   * decompression; a larger one throws at once (see {@link responseTooLargeError}), never retried.
   */
  private async attempt(request: ApiRequest): Promise<AttemptOutcome> {
    const http = await this.http();
    let received: BoundedResponse;
    try {
      const stream = http.stream(request.path, {
        method: request.method,
        ...(request.query === undefined ? {} : { searchParams: request.query }),
        ...(request.body === undefined ? {} : { json: request.body }),
      });
      // A got stream without a `json` body waits for its writable side to end (a DELETE would hang).
      if (request.body === undefined) stream.end();
      received = await receiveBounded(stream, MAX_RESPONSE_BYTES);
    } catch (error) {
      // got's errors hold the request options, headers included: keep only code and message.
      const { code, message } = error as { code?: string; message?: string };
      return { kind: "no-response", code, message: message ?? String(error) };
    }
    const { status, headers, body } = received;
    if ("tooLarge" in body)
      throw responseTooLargeError(describeOperation(request.context), status, body.tooLarge, request.retryMode === "unsent-only");
    return { kind: "response", status, headers, envelope: parseEnvelope(body.text), rawBody: body.text };
  }

  private classify<T>(
    request: ApiRequest,
    outcome: AttemptOutcome,
  ):
    | { kind: "success"; response: ApiResponse<T> }
    | { kind: "final"; error: Error }
    | { kind: "retryable"; retryAfterMs: number | undefined; rateLimited?: true; giveUp: (reason: string) => Error } {
    const operation = describeOperation(request.context);
    const unsentOnly = request.retryMode === "unsent-only";

    if (outcome.kind === "no-response") {
      const detail = `${outcome.message}${outcome.code === undefined ? "" : ` (${outcome.code})`}`;
      const retryable = unsentOnly ? failedBeforeSending(outcome.code) : isRetryableErrorCode(outcome.code);
      const makeError = (reason?: string): Error =>
        unsentOnly && !failedBeforeSending(outcome.code)
          ? new UncertainOutcomeError(`${operation}: no response from Cloudflare: ${detail}`)
          : new CloudflareApiError(`${operation}: no response from Cloudflare: ${detail}${reason === undefined ? "" : `; ${reason}`}`);
      return retryable ? { kind: "retryable", retryAfterMs: undefined, giveUp: makeError } : { kind: "final", error: makeError() };
    }

    const { status, envelope } = outcome;
    if (status >= 200 && status < 300 && envelope?.success === true) {
      return { kind: "success", response: { result: envelope.result as T, envelope: envelope as ApiEnvelope<T> } };
    }

    if (envelope === undefined) {
      const message = `${operation}: Cloudflare answered HTTP ${status} with a body that is not a Cloudflare API response (${describeBody(outcome.rawBody)})`;
      if (unsentOnly && status !== 429) return { kind: "final", error: new UncertainOutcomeError(message, { status }) };
      if (status < 300 || isRetryableStatus(status)) {
        return {
          kind: "retryable",
          retryAfterMs: parseRetryAfter(outcome.headers, Date.now()),
          giveUp: (reason) => new CloudflareApiError(`${message}; ${reason}`, { status }),
        };
      }
      return { kind: "final", error: new CloudflareApiError(message, { status }) };
    }

    const errors = envelope.errors;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(outcome.headers, Date.now());
      return {
        kind: "retryable",
        retryAfterMs,
        rateLimited: true,
        giveUp: (reason) =>
          new RateLimitedError(`${operation}: rate limited by Cloudflare (${formatApiErrors(errors)}); ${reason}`, {
            status,
            errors,
            retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
          }),
      };
    }
    if (isRetryableStatus(status)) {
      const message = `${operation}: ${formatApiErrors(errors)} (HTTP ${status})`;
      if (unsentOnly) return { kind: "final", error: new UncertainOutcomeError(message, { status, errors }) };
      return {
        kind: "retryable",
        retryAfterMs: parseRetryAfter(outcome.headers, Date.now()),
        giveUp: (reason) => new CloudflareApiError(`${message}; ${reason}`, { status, errors }),
      };
    }
    return { kind: "final", error: mapApiError(operation, status, errors) };
  }
}

function mapApiError(operation: string, status: number, errors: ApiMessage[]): CloudflareApiError {
  const base = `${operation}: ${formatApiErrors(errors)} (HTTP ${status})`;
  if (status === 401 || status === 403 || errors.some((error) => AUTHENTICATION_CODES.includes(error.code))) {
    return new AuthenticationError(
      `${base}; check the credentials in CLOUDFLARE_API_TOKEN (or cloudflare:apiToken): the token needs "SSL and Certificates Write" on this zone, and API Shield must be available on it`,
      { status, errors },
    );
  }
  // Only Cloudflare's own "Invalid Certificate ID" proves the certificate is gone: a 404 for an
  // unknown path (code 7003, e.g. a base URL without /client/v4) must not make refresh drop state.
  const certificateGone = errors.some((error) => error.code === CODE_CERTIFICATE_NOT_FOUND) || (status === 404 && errors.length === 0);
  if (certificateGone) return new NotFoundError(base, { status, errors });
  return new CloudflareApiError(base, { status, errors });
}
