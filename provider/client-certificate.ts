import * as pulumi from "@pulumi/pulumi";
import type { CertificateStatus } from "./api-types";
import { registerAdoption } from "./adoption-registry";
import provider from "./client-certificate-provider-reference";

/** Arguments of a {@link ClientCertificate}. */
export interface ClientCertificateArgs {
  /** The zone the certificate is for: 32 lowercase hex characters. Changing it replaces the certificate. */
  zoneId: pulumi.Input<string>;
  /**
   * PEM certificate signing request (RSA 2048-4096 or ECDSA P-256/P-384). CRLF line
   * endings and literal `\n` escapes are accepted; only a different request replaces the certificate.
   */
  csr: pulumi.Input<string>;
  /** Days the certificate is valid after issuance, 1 to 5475 (15 years). Changing it replaces the certificate. */
  validityDays: pulumi.Input<number>;
  /**
   * Renew automatically: once the certificate is this close to expiry, the next `pulumi up`
   * (and its preview) replaces it with a new one for the same CSR. Must be less than `validityDays`.
   * @default undefined (never renew automatically)
   * @example 30
   */
  renewBeforeDays?: pulumi.Input<number>;
  /**
   * Take over this existing certificate (issued in the dashboard or by another tool) instead of
   * issuing a new one. Create then sends no POST: it reads the certificate and checks that it is in
   * `zoneId`, that its CSR is `csr` and its validity `validityDays`; any difference fails, listing each
   * one, before anything changes. One pending revocation is reactivated; a revoked one is refused.
   * `npx pulumi-cloudflare-mtls adopt --zone <id>` writes the CSRs and these declarations for a zone.
   *
   * It acts only when the resource is created: changing or removing it later causes no diff. The
   * adopted certificate is then managed like any other: deleting the resource revokes it (use the
   * `retainOnDelete` resource option to let go of it without revoking).
   * @default undefined (issue a new certificate)
   * @example "9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f"
   */
  adoptCertificateId?: pulumi.Input<string>;
}

/**
 * A Cloudflare API Shield mTLS client certificate, signed by the zone's Cloudflare managed CA.
 *
 * Creating it issues the certificate; changing the zone, CSR or validity issues a new one
 * before revoking the old one; deleting it revokes it. The signed PEM is a secret output.
 *
 * @example
 * ```ts
 * const cert = new ClientCertificate("api-client", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   csr: fs.readFileSync("client.csr", "utf8"),
 *   validityDays: 365,
 * });
 * export const certificatePem = cert.certificate; // secret
 * ```
 */
export class ClientCertificate extends pulumi.dynamic.Resource {
  /** The signed client certificate, PEM. Secret. */
  declare readonly certificate: pulumi.Output<string>;
  /** The Cloudflare managed CA that signed it. */
  declare readonly certificateAuthority: pulumi.Output<{ id: string; name: string } | undefined>;
  /** Subject common name, from the CSR. */
  declare readonly commonName: pulumi.Output<string | undefined>;
  /** Subject country, from the CSR. */
  declare readonly country: pulumi.Output<string | undefined>;
  /** The CSR, canonical PEM. */
  declare readonly csr: pulumi.Output<string>;
  /** End of validity, ISO 8601. */
  declare readonly expiresOn: pulumi.Output<string | undefined>;
  /** SHA-256 of the certificate's DER, hex. */
  declare readonly fingerprintSha256: pulumi.Output<string | undefined>;
  /** Start of validity, ISO 8601. */
  declare readonly issuedOn: pulumi.Output<string | undefined>;
  /** Subject locality, from the CSR. */
  declare readonly location: pulumi.Output<string | undefined>;
  /** Subject organization, from the CSR. */
  declare readonly organization: pulumi.Output<string | undefined>;
  /** Subject organizational unit, from the CSR. */
  declare readonly organizationalUnit: pulumi.Output<string | undefined>;
  /** Serial number, hex. */
  declare readonly serialNumber: pulumi.Output<string | undefined>;
  /** Signature algorithm, e.g. "SHA256WithRSA". */
  declare readonly signature: pulumi.Output<string | undefined>;
  /** Subject key identifier, hex. */
  declare readonly ski: pulumi.Output<string | undefined>;
  /** Subject state or province, from the CSR. */
  declare readonly state: pulumi.Output<string | undefined>;
  /** `active`, `pending_revocation`, `revoked` or `pending_reactivation`, as of the last create, update or refresh. */
  declare readonly status: pulumi.Output<CertificateStatus>;
  /** Days of validity. */
  declare readonly validityDays: pulumi.Output<number>;
  /** The zone. */
  declare readonly zoneId: pulumi.Output<string>;
  /** The renewal window, in days before expiry. */
  declare readonly renewBeforeDays: pulumi.Output<number | undefined>;

  constructor(name: string, args: ClientCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    // A resource read with ClientCertificate.get has no args to check.
    if (opts?.id === undefined) registerAdoption(name, args.adoptCertificateId);
    const outputs = {
      certificate: undefined,
      certificateAuthority: undefined,
      commonName: undefined,
      country: undefined,
      expiresOn: undefined,
      fingerprintSha256: undefined,
      issuedOn: undefined,
      location: undefined,
      organization: undefined,
      organizationalUnit: undefined,
      serialNumber: undefined,
      signature: undefined,
      ski: undefined,
      state: undefined,
      status: undefined,
    };
    super(
      provider,
      name,
      { ...outputs, zoneId: args.zoneId, csr: args.csr, validityDays: args.validityDays, renewBeforeDays: args.renewBeforeDays, adoptCertificateId: args.adoptCertificateId },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["certificate"] }),
      "cloudflare-mtls",
      "ClientCertificate",
    );
  }

  /**
   * Reads an existing certificate into the program without managing it.
   *
   * @example
   * ```ts
   * const existing = ClientCertificate.get("existing", "9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f", { zoneId });
   * ```
   */
  static get(name: string, id: pulumi.Input<string>, state: { zoneId: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions): ClientCertificate {
    // A read needs only the zone; csr and validity come back from the API.
    const readArgs = { zoneId: state.zoneId } as ClientCertificateArgs;
    return new ClientCertificate(name, readArgs, { ...opts, id });
  }
}
