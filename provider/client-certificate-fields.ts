import type { ApiCertificateAuthority, CertificateStatus } from "./api-types";

/**
 * How a field is checked when it arrives and what it holds: `pem` (a certificate or CSR), `short`
 * (dates, digests, serial number: well under 100 characters), `subject` (copied from the CSR, so as
 * long as a CSR allows), `integer`, `status` (one of {@link CertificateStatus}), `authority` ({ id, name }).
 */
export interface FieldValues {
  pem: string;
  short: string;
  subject: string;
  integer: number;
  status: CertificateStatus;
  authority: ApiCertificateAuthority;
}

/** One row of {@link clientCertificateFields}. */
export interface CertificateField {
  /** The field's name in the API's JSON. */
  readonly api: string;
  readonly type: keyof FieldValues;
  /** The provider cannot work without it: an answer that lacks it breaks the API contract. */
  readonly required: boolean;
  /** Stored encrypted in state (`additionalSecretOutputs`). */
  readonly secret?: true;
}

/**
 * Every field of a client certificate that becomes an output of a `ClientCertificate`, keyed by its
 * output name. This table drives parsing an API answer ({@link parseApiCertificate}), the outputs
 * (`toOutputs`), the resource's declared outputs and secret outputs: a field is added here and
 * nowhere else. The certificate id is not in it: it becomes the resource id.
 *
 * Required: what the provider cannot work without. Cloudflare returns the rest too; subject fields
 * depend on the CSR.
 */
export const clientCertificateFields = {
  /** The signed client certificate, PEM. Secret. */
  certificate: { api: "certificate", type: "pem", required: true, secret: true },
  /** The Cloudflare managed CA that signed it. */
  certificateAuthority: { api: "certificate_authority", type: "authority", required: false },
  /** The CSR, canonical PEM. */
  csr: { api: "csr", type: "pem", required: true },
  /** `active`, `pending_revocation`, `revoked` or `pending_reactivation`, as of the last create, update or refresh. */
  status: { api: "status", type: "status", required: true },
  validityDays: { api: "validity_days", type: "integer", required: true },
  /** Start of validity, ISO 8601. */
  issuedOn: { api: "issued_on", type: "short", required: false },
  /** End of validity, ISO 8601. */
  expiresOn: { api: "expires_on", type: "short", required: false },
  /** SHA-256 of the certificate's DER, hex. */
  fingerprintSha256: { api: "fingerprint_sha256", type: "short", required: false },
  /** Hex. */
  serialNumber: { api: "serial_number", type: "short", required: false },
  /** Signature algorithm, e.g. "SHA256WithRSA". */
  signature: { api: "signature", type: "short", required: false },
  /** Subject key identifier, hex. */
  ski: { api: "ski", type: "short", required: false },
  /** From the CSR. */
  commonName: { api: "common_name", type: "subject", required: false },
  /** From the CSR. */
  country: { api: "country", type: "subject", required: false },
  /** State or province, from the CSR. */
  state: { api: "state", type: "subject", required: false },
  /** Locality, from the CSR. */
  location: { api: "location", type: "subject", required: false },
  /** From the CSR. */
  organization: { api: "organization", type: "subject", required: false },
  /** From the CSR. */
  organizationalUnit: { api: "organizational_unit", type: "subject", required: false },
} as const satisfies Record<string, CertificateField>;

type Fields = typeof clientCertificateFields;
type Value<K extends keyof Fields> = FieldValues[Fields[K]["type"]];

/** The certificate's outputs, as the table says: required fields always present, the others when Cloudflare sent them. */
export type CertificateFieldOutputs = { [K in keyof Fields as Fields[K]["required"] extends true ? K : never]: Value<K> } & {
  [K in keyof Fields as Fields[K]["required"] extends true ? never : K]?: Value<K>;
};

type ApiRequired = { [K in keyof Fields as Fields[K]["required"] extends true ? Fields[K]["api"] : never]: Value<K> };
type ApiOptional = { [K in keyof Fields as Fields[K]["required"] extends true ? never : Fields[K]["api"]]?: Value<K> };

/** A client certificate as the API returns it (snake_case, as on the wire), after {@link parseApiCertificate}. */
export interface ApiClientCertificate extends ApiRequired, ApiOptional {
  id: string;
}

/** The output names of the fields stored encrypted in state. */
export const secretCertificateOutputs: string[] = Object.entries(clientCertificateFields as Record<string, CertificateField>)
  .filter(([, field]) => field.secret === true)
  .map(([output]) => output);
