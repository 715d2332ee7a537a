import type { ApiClientCertificate, CertificateStatus } from "./api-types";
import { csrDer, csrPem } from "./csr";

/** Outputs of a ClientCertificate: the API fields in camelCase, plus `zoneId`. */
export interface ClientCertificateOutputs {
  zoneId: string;
  /** The signed certificate, PEM. Marked secret on the resource. */
  certificate: string;
  certificateAuthority?: { id: string; name: string };
  csr: string;
  validityDays: number;
  status: CertificateStatus;
  issuedOn?: string;
  expiresOn?: string;
  fingerprintSha256?: string;
  serialNumber?: string;
  signature?: string;
  ski?: string;
  commonName?: string;
  country?: string;
  state?: string;
  location?: string;
  organization?: string;
  organizationalUnit?: string;
  /** The renewal window input, kept so later diffs can see it. */
  renewBeforeDays?: number;
}

/**
 * Maps an API certificate to resource outputs. The CSR is stored in canonical PEM (the API echoes
 * CRLF). Absent fields are left out rather than set to `undefined`, which the engine's protobuf
 * encoding rejects ("Unexpected struct type").
 */
export function toOutputs(zoneId: string, api: ApiClientCertificate, renewBeforeDays?: number): ClientCertificateOutputs {
  const optional = {
    certificateAuthority: api.certificate_authority === undefined || api.certificate_authority === null ? undefined : { id: api.certificate_authority.id, name: api.certificate_authority.name },
    issuedOn: api.issued_on,
    expiresOn: api.expires_on,
    fingerprintSha256: api.fingerprint_sha256,
    serialNumber: api.serial_number,
    signature: api.signature,
    ski: api.ski,
    commonName: api.common_name,
    country: api.country,
    state: api.state,
    location: api.location,
    organization: api.organization,
    organizationalUnit: api.organizational_unit,
    renewBeforeDays,
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined && value !== null));
  return {
    zoneId,
    certificate: api.certificate,
    csr: canonicalOrAsIs(api.csr),
    validityDays: api.validity_days,
    status: api.status,
    ...present,
  } satisfies ClientCertificateOutputs;
}

function canonicalOrAsIs(csr: string): string {
  try {
    return csrPem(csrDer(csr));
  } catch {
    return csr;
  }
}
