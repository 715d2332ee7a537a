import type { ApiClientCertificate } from "./api-types";
import type { CloudflareClient } from "./cloudflare-client";
import type { CreateLedger } from "./create-ledger";
import { CsrError, inspectCsr, sameCsr, type CsrFacts } from "./csr";
import { AdoptionError, CloudflareApiError, NotFoundError } from "./errors";
import { publicKeyMismatch } from "./issue-client-certificate";
import { reactivateOrAccept } from "./reactivate-client-certificate";

/** What the program declares about the certificate it adopts. */
export interface AdoptionRequest {
  zoneId: string;
  certificateId: string;
  /** The program's CSR, as checked. */
  csr: string;
  validityDays: number;
}

/** Cloudflare's "Could not route to …, perhaps your object identifier is invalid?": an unknown zone. */
const CODE_NO_ROUTE = 7003;

/** The command that writes a zone's CSRs and the declarations that adopt them. */
const ADOPT_COMMAND = "npx pulumi-cloudflare-mtls adopt";

function describe(request: { zoneId: string; certificateId: string }): string {
  return `adopting client certificate ${request.certificateId} in zone ${request.zoneId}`;
}

/**
 * Claims `certificateId` for one resource of this provider process, in the same synchronous step
 * that checks it: two resources of a deployment that adopt the same certificate (or adopt one that
 * another create recorded) fail, whichever runs first, before any request.
 */
export function claimForAdoption(ledger: CreateLedger, request: { zoneId: string; certificateId: string }): void {
  if (ledger.recordedIds.includes(request.certificateId)) {
    throw new AdoptionError(
      `${describe(request)}: another ClientCertificate of this stack already adopts or manages it in this deployment; ` +
        `a certificate can be managed by one resource only: keep adoptCertificateId: "${request.certificateId}" on one resource and remove it from the others`,
    );
  }
  ledger.recordedIds.push(request.certificateId);
}

/**
 * Takes over an existing certificate without issuing one: reads it, checks that it is in the zone,
 * that its CSR is the program's (by DER) and its validity the program's, and that it is not revoked.
 * Any difference fails with every difference listed and nothing changed. A certificate pending
 * revocation is reactivated.
 */
export async function adoptClientCertificate(
  client: CloudflareClient,
  request: AdoptionRequest,
  csr: CsrFacts,
): Promise<ApiClientCertificate> {
  const { zoneId, certificateId } = request;
  let current: ApiClientCertificate;
  try {
    current = await client.getClientCertificate(zoneId, certificateId);
  } catch (error) {
    if (error instanceof CloudflareApiError && !(error instanceof NotFoundError) && error.hasCode(CODE_NO_ROUTE)) {
      throw new AdoptionError(
        `${describe(request)}: Cloudflare does not know this zone or id (${error.message}): check zoneId and the id; nothing was changed`,
        { cause: error },
      );
    }
    if (!(error instanceof NotFoundError)) throw error;
    throw new AdoptionError(
      `${describe(request)}: not found in zone ${zoneId}: check the id and zoneId ` +
        `(\`npx pulumi-cloudflare-mtls list --zone ${zoneId} --status all\` lists the zone's certificates); nothing was changed`,
      { cause: error },
    );
  }
  const problems = await adoptionProblems(current, request, csr);
  if (problems.length > 0) throw new AdoptionError(`${describe(request)}: ${problems.join("; ")}; nothing was changed`);
  if (current.status !== "pending_revocation") return current;
  return reactivateOrAccept(
    client,
    zoneId,
    certificateId,
    "it can never serve again: remove adoptCertificateId to issue a new certificate for this CSR",
  );
}

/** Every reason the certificate cannot be adopted as declared, each with its fix. */
async function adoptionProblems(current: ApiClientCertificate, request: AdoptionRequest, csr: CsrFacts): Promise<string[]> {
  const problems: string[] = [];
  if (current.status === "revoked") {
    problems.push("it is revoked and can never serve again: remove adoptCertificateId to issue a new certificate for this CSR instead");
  }
  if (!sameCsr(current.csr, request.csr)) {
    problems.push(
      `its CSR is not the one in csr (${await describeCsrDifference(current.csr, csr)}): ` +
        `pass the certificate's CSR (\`${ADOPT_COMMAND} --zone ${request.zoneId}\` writes it to <dir>/${request.certificateId}.csr)`,
    );
  } else {
    const mismatch = publicKeyMismatch(current.certificate, csr.publicKeySha256);
    if (mismatch !== undefined) problems.push(`${mismatch}: adopt another certificate or remove adoptCertificateId to issue a new one`);
  }
  if (current.validity_days !== request.validityDays) {
    problems.push(
      `validityDays is ${request.validityDays} in the program but the certificate has ${current.validity_days}: write validityDays: ${current.validity_days}`,
    );
  }
  return problems;
}

/** How the certificate's CSR differs from the program's: subject and key, as far as they differ. */
async function describeCsrDifference(theirsText: string, ours: CsrFacts): Promise<string> {
  let theirs: CsrFacts;
  try {
    theirs = await inspectCsr(theirsText, { issuancePolicy: false });
  } catch (error) {
    if (!(error instanceof CsrError)) throw error;
    return `the certificate's CSR cannot be read: ${error.reason}`;
  }
  const differences: string[] = [];
  if (theirs.subject !== ours.subject)
    differences.push(`subject ${theirs.subject || "(empty)"} in the certificate, ${ours.subject || "(empty)"} in csr`);
  if (theirs.publicKeySha256 !== ours.publicKeySha256) {
    differences.push(`key ${keyOf(theirs)} in the certificate, ${keyOf(ours)} in csr`);
  }
  if (differences.length === 0) differences.push("same subject and key, but another request");
  return differences.join("; ");
}

function keyOf(facts: CsrFacts): string {
  return `${facts.keyDescription} sha256:${facts.publicKeySha256.slice(0, 16)}`;
}
