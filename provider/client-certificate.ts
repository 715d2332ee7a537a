import * as pulumi from "@pulumi/pulumi";
import { registerAdoption } from "./adoption-registry";
import { clientCertificateFields, secretCertificateOutputs } from "./client-certificate-fields";
import type { ClientCertificateOutputs } from "./client-certificate-outputs";
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
  /**
   * Certificates for the same zone, CSR and validity that this one may be issued beside, on purpose:
   * another stack's that shares the CSR, or a renamed resource's. Without it, issuing fails while such
   * a certificate, issued within the last day, is in no state of this deployment: it may be the one
   * an interrupted `pulumi up` issued (see the README, "When `pulumi up` is interrupted"). The error
   * names each one. Read only when a certificate is issued; changing it causes no diff.
   * @default [] (issue beside no unrecorded certificate)
   * @example ["0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"]
   */
  coexistingCertificateIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Each output as the `pulumi.Output` a resource declares it: optional ones may be `undefined`. */
type DeclaredOutputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K] | (object extends Pick<T, K> ? undefined : never)> };

// The outputs are declared from the field table (through ClientCertificateOutputs) instead of one
// `declare readonly` per field; Pulumi assigns them when the resource registers, as it would a `declare`d one.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface ClientCertificate extends DeclaredOutputs<ClientCertificateOutputs> {}

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
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class ClientCertificate extends pulumi.dynamic.Resource {
  constructor(name: string, args: ClientCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    // ClientCertificate.get passes no adoptCertificateId, so a read registers nothing.
    registerAdoption(name, args.adoptCertificateId);
    // Every field output starts unknown; those that are also inputs (csr, validityDays) are overwritten below.
    const outputs = Object.fromEntries(Object.keys(clientCertificateFields).map((output) => [output, undefined]));
    const stackTraceLimit = Error.stackTraceLimit;
    // Pulumi keeps a stack trace on each of the resource's promises, three or four per property (for its
    // report of promises left unresolved): about 80 traces per certificate, each of whose frames
    // ts-node maps through source maps, some 15 ms per certificate. The resource's own trace in the
    // state is taken with no limit, whatever this one is; the limit is back before any other code runs.
    Error.stackTraceLimit = 0;
    try {
      super(
        provider,
        name,
        {
          ...outputs,
          zoneId: args.zoneId,
          csr: args.csr,
          validityDays: args.validityDays,
          renewBeforeDays: args.renewBeforeDays,
          adoptCertificateId: args.adoptCertificateId,
          coexistingCertificateIds: args.coexistingCertificateIds,
        },
        pulumi.mergeOptions(opts, { additionalSecretOutputs: secretCertificateOutputs }),
        "cloudflare-mtls",
        "ClientCertificate",
      );
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  /**
   * Reads an existing certificate into the program without managing it.
   *
   * @example
   * ```ts
   * const existing = ClientCertificate.get("existing", "9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f", { zoneId });
   * ```
   */
  static get(
    name: string,
    id: pulumi.Input<string>,
    state: { zoneId: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
  ): ClientCertificate {
    // A read needs only the zone; csr and validity come back from the API.
    const readArgs = { zoneId: state.zoneId } as ClientCertificateArgs;
    return new ClientCertificate(name, readArgs, { ...opts, id });
  }
}
