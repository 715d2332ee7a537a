import type { CertificateStatusFilter } from "./api-types";
import { CloudflareClient, type CloudflareClientOptions } from "./cloudflare-client";
import { toOutputs, type ClientCertificateOutputs } from "./client-certificate-outputs";
import { describeInvalidId } from "./identifiers";

/** A listed certificate: the same fields as {@link ClientCertificate} outputs, plus its id. */
export interface ListedClientCertificate extends ClientCertificateOutputs {
  id: string;
}

/**
 * Lists every client certificate of a zone, all pages, optionally filtered by status.
 * Reads credentials from the environment unless `options.connection` is given.
 *
 * @example
 * ```ts
 * const active = await listClientCertificates({ zoneId, status: "active" });
 * console.log(active.map((c) => `${c.id} ${c.commonName} ${c.expiresOn}`));
 * ```
 */
export async function listClientCertificates(
  args: { zoneId: string; status?: CertificateStatusFilter },
  options: CloudflareClientOptions = {},
): Promise<ListedClientCertificate[]> {
  const problem = describeInvalidId(args.zoneId);
  if (problem !== undefined) throw new TypeError(`listClientCertificates: zoneId ${problem}`);
  const client = new CloudflareClient(options);
  const certificates = await client.listClientCertificates(args.zoneId, args.status === undefined ? {} : { status: args.status });
  return certificates.map((certificate) => ({ id: certificate.id, ...toOutputs(args.zoneId, certificate) }));
}
