import type { ApiMessage } from "./api-types";

/** What the client was doing when a request failed, for messages like "revoking client certificate 9f2c… in zone 023e…". */
export interface OperationContext {
  /** A gerund phrase: "creating client certificate", "listing client certificates". */
  action: string;
  zoneId: string;
  certificateId?: string;
}

/** Describes an operation for error messages. */
export function describeOperation(context: OperationContext): string {
  const target = context.certificateId === undefined ? "" : ` ${context.certificateId}`;
  return `${context.action}${target} in zone ${context.zoneId}`;
}

interface CloudflareApiErrorOptions {
  status?: number;
  errors?: ApiMessage[];
  cause?: unknown;
}

/**
 * A Cloudflare API call failed. Carries the HTTP status (absent when no response
 * arrived), the Cloudflare `errors[]` and the original cause. Messages never
 * contain credentials.
 */
export class CloudflareApiError extends Error {
  /** HTTP status of the response, or `undefined` when the request never got one. */
  readonly status: number | undefined;
  /** The Cloudflare error entries of the response envelope. */
  readonly errors: readonly ApiMessage[];

  constructor(message: string, options: CloudflareApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.errors = options.errors ?? [];
  }

  /** The Cloudflare error codes, e.g. `[1415]`. */
  get codes(): number[] {
    return this.errors.map((error) => error.code);
  }

  /** Whether the response carried Cloudflare error `code`. */
  hasCode(code: number): boolean {
    return this.errors.some((error) => error.code === code);
  }
}

/**
 * Cloudflare answered with success, but the answer does not hold what the API reference promises
 * (a field missing or of the wrong type, an unknown status). For a create, `certificateId` is the
 * id the answer carried when it was a valid one: the certificate exists and must not be forgotten.
 */
export class ContractViolationError extends CloudflareApiError {
  /** The id of the certificate the broken answer was about, when it held a valid one. */
  readonly certificateId: string | undefined;

  constructor(message: string, options: CloudflareApiErrorOptions & { certificateId?: string | undefined } = {}) {
    super(message, options);
    this.certificateId = options.certificateId;
  }
}

/** The credentials were rejected (HTTP 401/403 or an authentication error code). */
export class AuthenticationError extends CloudflareApiError {}

/** The zone or certificate does not exist (HTTP 404 or Cloudflare error 1415). */
export class NotFoundError extends CloudflareApiError {}

/** Cloudflare refused the request for exceeding its rate limit, and waiting was not possible within the retry budget. */
export class RateLimitedError extends CloudflareApiError {
  /** How long Cloudflare asked the client to wait, in seconds, when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: CloudflareApiErrorOptions & { retryAfterSeconds?: number | undefined }) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Credentials or endpoint are missing or unusable; the message names the variables and config keys to set. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A certificate was issued but a later step failed. The dynamic-provider host turns an error
 * with `id` into a partial-create result, so the engine records the certificate in state
 * instead of losing track of it.
 */
export class IssuedWithErrorsError extends Error {
  /** The id of the certificate that was issued. */
  readonly id: string;
  /** The outputs to record for the issued certificate. */
  readonly properties: Record<string, unknown>;
  /** What went wrong after issuance. */
  readonly reasons: string[];

  constructor(id: string, properties: Record<string, unknown>, reasons: string[]) {
    super(`client certificate ${id} was issued and recorded in state, but: ${reasons.join("; ")}`);
    this.name = new.target.name;
    this.id = id;
    this.properties = properties;
    this.reasons = reasons;
  }
}

/** Cloudflare's error code for revoking a certificate that is already revoked ("already deleted"). */
export const CODE_ALREADY_REVOKED = 1407;

/** Formats Cloudflare's `errors[]` as "Cloudflare error 1407: already revoked; ...". */
export function formatApiErrors(errors: readonly ApiMessage[]): string {
  if (errors.length === 0) return "no error details in the response";
  return errors.map((error) => `Cloudflare error ${error.code}: ${error.message}`).join("; ");
}

/**
 * A non-idempotent request (a certificate POST) failed in a way that does not tell whether
 * Cloudflare acted on it: a timeout, a dropped connection, a 5xx or an unreadable answer.
 * Callers must find out before trying again.
 */
export class UncertainOutcomeError extends CloudflareApiError {}

/**
 * An existing certificate cannot be adopted as declared (another CSR or validity, revoked, claimed
 * twice): nothing was changed. The message lists every difference and how to fix the program.
 */
export class AdoptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/**
 * A create found active certificates for the same zone, CSR and validity that no state records,
 * issued recently: possibly an interrupted `pulumi up`'s. Nothing was sent; the message names each
 * one and the ways forward (adopt, revoke, or declare it coexisting).
 */
export class UnrecordedCertificateError extends Error {
  constructor(
    message: string,
    /** The certificates found. */
    readonly certificateIds: readonly string[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}
