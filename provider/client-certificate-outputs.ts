import type { ApiClientCertificate, CertificateStatus } from "./api-types";
import { csrDer, csrPem } from "./csr";

/** Outputs of a ClientCertificate: the API fields in camelCase, plus `zoneId`. */
export interface ClientCertificateOutputs {
  zoneId: string;
  /** The signed certificate, PEM. Marked secret on the resource. */
  certificate: string;
  certificateAuthority: { id: string; name: string };
  csr: string;
  validityDays: number;
  status: CertificateStatus;
  issuedOn: string;
  expiresOn: string;
  fingerprintSha256: string;
  serialNumber: string;
  signature: string | undefined;
  ski: string | undefined;
  commonName: string | undefined;
  country: string | undefined;
  state: string | undefined;
  location: string | undefined;
  organization: string | undefined;
  organizationalUnit: string | undefined;
  /** The renewal window input, kept so later diffs can see it. */
  renewBeforeDays: number | undefined;
}

/** Maps an API certificate to resource outputs. The CSR is stored in canonical PEM (the API echoes CRLF). */
export function toOutputs(zoneId: string, api: ApiClientCertificate, renewBeforeDays?: number): ClientCertificateOutputs {
  return {
    zoneId,
    certificate: api.certificate,
    certificateAuthority: { id: api.certificate_authority.id, name: api.certificate_authority.name },
    csr: canonicalOrAsIs(api.csr),
    validityDays: api.validity_days,
    status: api.status,
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
  } satisfies ClientCertificateOutputs;
}

function canonicalOrAsIs(csr: string): string {
  try {
    return csrPem(csrDer(csr));
  } catch {
    return csr;
  }
}
