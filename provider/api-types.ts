/**
 * The few Cloudflare API shapes this package uses, typed by hand from
 * `client-certificates-api.md`. Required: what the provider cannot work without.
 * Cloudflare returns the rest too; subject fields depend on the CSR.
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

/** A client certificate as the API returns it (snake_case, as on the wire). */
export interface ApiClientCertificate {
  id: string;
  certificate: string;
  certificate_authority?: ApiCertificateAuthority;
  csr: string;
  status: CertificateStatus;
  validity_days: number;
  issued_on?: string;
  expires_on?: string;
  fingerprint_sha256?: string;
  serial_number?: string;
  signature?: string;
  ski?: string;
  common_name?: string;
  country?: string;
  state?: string;
  location?: string;
  organization?: string;
  organizational_unit?: string;
}

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
