import { STATUS_CODES } from "node:http";

/** One entry of the envelope's `errors[]`, as Cloudflare writes it. */
export interface ErrorEntry {
  readonly code: number;
  readonly message: string;
  readonly error_chain?: readonly ErrorEntry[];
}

/**
 * A Cloudflare-style failure: the HTTP status, the `errors[]` entry and any extra response headers.
 * Thrown anywhere in request handling and turned into an envelope at the top.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errorChain: readonly ErrorEntry[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  toEntry(): ErrorEntry {
    return this.errorChain.length > 0
      ? { code: this.code, message: this.message, error_chain: this.errorChain }
      : { code: this.code, message: this.message };
  }
}

/**
 * Every error the emulator answers with. Codes marked "observed" are what Cloudflare is known to send;
 * the others are the emulator's choice where Cloudflare's value is undocumented (see README.md).
 * Clients should branch on the HTTP status plus the observed codes only.
 */
export const apiErrors = {
  /** observed */
  missingCredentials: () => new ApiError(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers"),
  /** observed */
  malformedAuthorizationHeader: () =>
    new ApiError(400, 6003, "Invalid request headers", [{ code: 6111, message: "Invalid format for Authorization header" }]),
  /** observed */
  authentication: () => new ApiError(403, 10000, "Authentication error"),
  /** observed */
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(429, 971, "Please wait and consider throttling your request speed", [], {
      "retry-after": String(retryAfterSeconds),
    }),
  /** observed (message and code; 404 for unknown paths is the emulator's choice) */
  noRoute: (apiPath: string) => new ApiError(404, 7003, `Could not route to ${apiPath}, perhaps your object identifier is invalid?`),
  /** observed: a malformed or unknown zone id, or a malformed certificate id */
  invalidIdentifier: (apiPath: string) =>
    new ApiError(400, 7003, `Could not route to ${apiPath}, perhaps your object identifier is invalid?`),
  /** emulator's choice */
  methodNotAllowed: (allowed: readonly string[]) =>
    new ApiError(405, 7001, "Method not allowed for api route", [], { allow: allowed.join(", ") }),
  /** emulator's choice */
  bodyTooLarge: (limitBytes: number) => new ApiError(413, 1400, `Request body exceeds ${limitBytes} bytes.`),
  /** documented for Cloudflare's other certificate APIs (custom_csrs) */
  malformedJson: () => new ApiError(400, 1400, "Unable to decode the JSON request body. Check your input and try again."),
  /** emulator's choice */
  csrRequired: () => new ApiError(400, 1401, "The csr field is required. Check your input and try again."),
  /** emulator's choice */
  csrUnparseable: (reason: string) =>
    new ApiError(400, 1402, `Unable to parse the certificate signing request (CSR): ${reason}. Check your input and try again.`),
  /** emulator's choice */
  csrSignatureInvalid: () =>
    new ApiError(400, 1403, "The certificate signing request (CSR) signature is invalid. Check your input and try again."),
  /** emulator's choice */
  validityDaysInvalid: () =>
    new ApiError(400, 1404, "The validity_days field is required and must be a positive integer. Check your input and try again."),
  /** emulator's choice */
  csrKeyUnsupported: (reason: string) => new ApiError(400, 1405, `The certificate signing request (CSR) key is not supported: ${reason}.`),
  /** emulator's choice */
  notPendingRevocation: (status: string) =>
    new ApiError(400, 1406, `Only a certificate in pending_revocation can be reactivated; this one is ${status}.`),
  /** observed code; message is the emulator's wording */
  alreadyRevoked: () => new ApiError(400, 1407, "The certificate has already been deleted (revoked)."),
  /** emulator's choice */
  reactivateInvalid: () => new ApiError(400, 1408, "The reactivate field must be true. Check your input and try again."),
  /** emulator's choice */
  invalidListParameter: (name: string, expectation: string) => new ApiError(400, 1409, `Invalid query parameter ${name}: ${expectation}.`),
  /** observed */
  certificateNotFound: () => new ApiError(404, 1415, "Invalid Certificate ID"),
  /** emulator's choice */
  hostnamesInvalid: (reason: string) => new ApiError(400, 1420, `Invalid hostnames: ${reason}.`),
  /** emulator's choice */
  mtlsCertificateIdInvalid: () => new ApiError(400, 1421, "The mtls_certificate_id must be the id of an uploaded mTLS certificate."),
  /** emulator's choice */
  mtlsCertificateNotFound: () => new ApiError(404, 1422, "No mTLS certificate with this mtls_certificate_id exists."),
  /** used by status faults; says it is emulated so nobody chases a phantom outage */
  injected: (status: number) => new ApiError(status, 10001, `${STATUS_CODES[status] ?? "Error"} (emulated fault)`),
} as const;
