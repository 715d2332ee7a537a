/**
 * The few Cloudflare API shapes this package uses, typed by hand from
 * `client-certificates-api.md`. The client certificate itself is described field by field in
 * `client-certificate-fields.ts`.
 */

/** Lifecycle states of an API Shield client certificate. */
export const CERTIFICATE_STATUSES = ["active", "pending_reactivation", "pending_revocation", "revoked"] as const;

/** A client certificate's lifecycle state. `pending_*` are asynchronous transitions. */
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** Values accepted by the list endpoint's `status` filter. */
export type CertificateStatusFilter = CertificateStatus | "all";

/** The certificate authority that signed a client certificate. */
export interface ApiCertificateAuthority {
  id: string;
  name: string;
}

export type { ApiClientCertificate } from "./client-certificate-fields";

/** One entry of the envelope's `errors` or `messages`. */
export interface ApiMessage {
  code: number;
  message: string;
}

/** Pagination metadata of list responses. */
export interface ApiResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages?: number;
}

/** The envelope every Cloudflare v4 response is wrapped in. */
export interface ApiEnvelope<T> {
  success: boolean;
  errors: ApiMessage[];
  messages: ApiMessage[];
  result: T | null;
  /** As sent: checked by `parseResultInfo` before use. */
  result_info?: unknown;
}
