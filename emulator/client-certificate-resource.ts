import type { CertificateStatus } from "./lifecycle";

/**
 * A client certificate exactly as the API returns it. Every field is always present: the emulator
 * fills all of them from the real certificate it issued.
 */
export interface ClientCertificateResource {
  readonly id: string;
  readonly certificate: string;
  readonly certificate_authority: { readonly id: string; readonly name: string };
  readonly common_name: string;
  readonly country: string;
  readonly csr: string;
  readonly expires_on: string;
  readonly fingerprint_sha256: string;
  readonly issued_on: string;
  readonly location: string;
  readonly organization: string;
  readonly organizational_unit: string;
  readonly serial_number: string;
  readonly signature: string;
  readonly ski: string;
  readonly state: string;
  readonly status: CertificateStatus;
  readonly validity_days: number;
}

/** Cloudflare's timestamp format: ISO 8601 in UTC with whole seconds, e.g. 2033-02-20T23:18:00Z. */
export function formatApiTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
