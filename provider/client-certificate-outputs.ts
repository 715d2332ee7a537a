import type { ApiClientCertificate } from "./api-types";
import { clientCertificateFields, type CertificateField, type CertificateFieldOutputs } from "./client-certificate-fields";
import { csrDer, csrPem } from "./csr";

/** Outputs of a ClientCertificate: the API fields of {@link clientCertificateFields} in camelCase, plus two inputs. */
export interface ClientCertificateOutputs extends CertificateFieldOutputs {
  zoneId: string;
  /** The renewal window input, in days before expiry, kept so later diffs can see it. */
  renewBeforeDays?: number;
}

/**
 * Maps an API certificate to resource outputs. The CSR is stored in canonical PEM (the API echoes
 * CRLF). Absent fields (and empty subject attributes) are left out rather than set to `undefined`,
 * which the engine's protobuf encoding rejects ("Unexpected struct type").
 */
export function toOutputs(zoneId: string, api: ApiClientCertificate, renewBeforeDays?: number): ClientCertificateOutputs {
  const fields: Record<string, unknown> = {};
  const given = api as unknown as Record<string, unknown>;
  for (const [output, field] of Object.entries(clientCertificateFields as Record<string, CertificateField>)) {
    const value = given[field.api];
    // Cloudflare answers "" for each subject attribute the CSR lacks: that is absent too, and each
    // empty output would cost every certificate's state a line.
    if (value === undefined || value === null || (field.type === "subject" && value === "")) continue;
    fields[output] = value;
  }
  // parseApiCertificate checked every field against the same table, so each has its output's type.
  const outputs = { ...(fields as unknown as CertificateFieldOutputs), zoneId, csr: canonicalOrAsIs(api.csr) };
  return renewBeforeDays === undefined ? outputs : { ...outputs, renewBeforeDays };
}

function canonicalOrAsIs(csr: string): string {
  try {
    return csrPem(csrDer(csr));
  } catch {
    return csr;
  }
}
