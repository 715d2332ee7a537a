import { X509Certificate } from "node:crypto";
import type { ApiClientCertificate } from "./api-types";
import type { CloudflareClient } from "./cloudflare-client";
import { sameCsr, spkiSha256 } from "./csr";
import { delay } from "./delay";
import { CloudflareApiError, UncertainOutcomeError } from "./errors";

/** Tolerated clock difference between this machine and Cloudflare when matching a lost create. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Options of {@link issueClientCertificate}. */
export interface IssueOptions {
  /** Pause before looking a second time for a certificate whose create timed out. @default 3000 */
  settleDelayMs?: number;
  /** Certificates already accounted for (issued earlier in this deployment), never adopted. */
  alreadyRecorded?: readonly string[];
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Issues a certificate with one POST. When the outcome of that POST is unknown (timeout,
 * dropped connection, 5xx, unreadable answer) it does not blindly retry, which could issue a
 * second certificate: it lists the zone's active certificates and adopts the one issued for
 * this CSR and validity since the request started (allowing for clock skew), skipping those
 * already recorded. If there is none, nothing was issued and the error says so.
 */
export async function issueClientCertificate(
  client: CloudflareClient,
  zoneId: string,
  request: { csr: string; validityDays: number },
  options: IssueOptions = {},
): Promise<ApiClientCertificate> {
  const startedAt = Date.now();
  try {
    return await client.createClientCertificate(zoneId, request);
  } catch (error) {
    if (!(error instanceof UncertainOutcomeError)) throw error;
    const sleep = options.sleep ?? delay;
    for (let look = 0; look < 2; look++) {
      if (look > 0) await sleep(options.settleDelayMs ?? 3_000);
      const issued = await findIssuedSince(client, zoneId, request, startedAt, error, options.alreadyRecorded ?? []);
      if (issued !== undefined) return issued;
    }
    throw new CloudflareApiError(
      `${error.message}; Cloudflare lists no certificate issued for this CSR since the request, so none was issued and nothing needs cleaning up: run the update again`,
      { cause: error, ...(error.status === undefined ? {} : { status: error.status }), errors: [...error.errors] },
    );
  }
}

async function findIssuedSince(
  client: CloudflareClient,
  zoneId: string,
  request: { csr: string; validityDays: number },
  startedAt: number,
  original: UncertainOutcomeError,
  alreadyRecorded: readonly string[],
): Promise<ApiClientCertificate | undefined> {
  let active: ApiClientCertificate[];
  try {
    active = await client.listClientCertificates(zoneId, { status: "active" });
  } catch (listError) {
    const reason = listError instanceof Error ? listError.message : String(listError);
    throw new CloudflareApiError(
      `${original.message}; the certificate may have been issued, and looking for it failed too (${reason}): ` +
        `list the zone's certificates for this CSR before running the update again`,
      { cause: original },
    );
  }
  const issuedAt = (certificate: ApiClientCertificate): number => Date.parse(certificate.issued_on ?? "") || Number.POSITIVE_INFINITY;
  const candidates = active
    .filter((certificate) => certificate.status === "active" && !alreadyRecorded.includes(certificate.id))
    .filter((certificate) => certificate.validity_days === request.validityDays && sameCsr(certificate.csr, request.csr))
    .filter((certificate) => issuedAt(certificate) >= startedAt - CLOCK_SKEW_MS)
    .sort((a, b) => issuedAt(b) - issuedAt(a));
  return candidates[0];
}

/**
 * Why the issued certificate does not belong to the CSR's key, or `undefined` when it does.
 * Guards against recording a certificate that the client's private key cannot use.
 */
export function publicKeyMismatch(certificatePem: string, csrPublicKeySha256: string): string | undefined {
  let certificateKey: string;
  try {
    certificateKey = spkiSha256(new X509Certificate(certificatePem).publicKey.export({ type: "spki", format: "der" }));
  } catch {
    return "the certificate Cloudflare returned does not parse as X.509 PEM";
  }
  return certificateKey === csrPublicKeySha256 ? undefined : "the certificate Cloudflare returned is for a different public key than the CSR";
}
