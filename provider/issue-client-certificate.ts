import { X509Certificate } from "node:crypto";
import type { ApiClientCertificate } from "./api-types";
import type { CloudflareClient } from "./cloudflare-client";
import { sameCsr, spkiSha256 } from "./csr";
import { delay } from "./delay";
import { createRequestKey, markInFlight, newCreateLedger, othersSettled, upgradeLedger, type CreateLedger } from "./create-ledger";
import { CloudflareApiError, ContractViolationError, UncertainOutcomeError, UnrecordedCertificateError } from "./errors";
import { unrecordedTwinsMessage } from "./unrecorded-certificate-message";
import { activeBeforeIssuing, CLOCK_SKEW_MS, unrecordedTwins } from "./unrecorded-twins";

/** Options of {@link issueClientCertificate}. */
export interface IssueOptions {
  /** Pause before looking a second time for a certificate whose create timed out. @default 3000 */
  settleDelayMs?: number;
  /**
   * The creates of this deployment: certificates recorded in it are never adopted, and a recovery
   * waits for other creates of the same request to settle. Share one ledger between all creates
   * that run concurrently. @default a ledger of its own
   */
  ledger?: CreateLedger;
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in epoch milliseconds. @default Date.now */
  now?: () => number;
}

/** The request of a create. */
interface CreateRequest {
  csr: string;
  validityDays: number;
  /** Existing certificates for the same request that the program lets this one be issued beside. */
  coexistingIds?: readonly string[];
}

/**
 * Issues a certificate with one POST and records its id in the ledger.
 *
 * Before the POST, it refuses to issue beside an active certificate for the same zone, CSR and
 * validity that was issued recently and that no resource of this deployment recorded: that may be
 * the certificate of a `pulumi up` killed before Cloudflare's answer arrived, which would otherwise
 * stay active and unmanaged ({@link UnrecordedCertificateError}, naming it and the ways forward).
 * The zone is listed once per deployment for this, not once per certificate.
 *
 * When the outcome of that
 * POST is unknown (timeout, dropped connection, 5xx, unreadable answer) it does not blindly
 * retry, which could issue a second certificate: it waits until no other create for the same zone,
 * CSR and validity is in flight in this process, lists the zone's active certificates and adopts
 * the one issued for this request since it started (allowing for clock skew) that no resource has
 * recorded. Several such certificates fail the create, naming them, rather than guess; none means
 * nothing was issued, and the error says so.
 *
 * A success answer that breaks the API contract but names a valid certificate is read again; if
 * that fails too the certificate is revoked, so nothing issued is left unknown.
 */
export async function issueClientCertificate(
  client: CloudflareClient,
  zoneId: string,
  request: CreateRequest,
  options: IssueOptions = {},
): Promise<ApiClientCertificate> {
  const ledger = upgradeLedger(options.ledger ?? newCreateLedger());
  const now = options.now ?? Date.now;
  const key = createRequestKey(zoneId, request);
  const existedBefore = await listBeforeIssuing(client, ledger, zoneId);
  const twins = unrecordedTwins(existedBefore, ledger, {
    key,
    zoneId,
    csr: request.csr,
    validityDays: request.validityDays,
    coexistingIds: request.coexistingIds ?? [],
    now: now(),
  });
  if (twins.length > 0)
    throw new UnrecordedCertificateError(
      unrecordedTwinsMessage(zoneId, twins),
      twins.map((twin) => twin.id),
    );

  const startedAt = now();
  const settle = markInFlight(ledger, key);
  let error: unknown;
  try {
    const issued = await client.createClientCertificate(zoneId, { csr: request.csr, validityDays: request.validityDays });
    ledger.recordedIds.push(issued.id);
    return issued;
  } catch (caught) {
    error = caught;
  } finally {
    settle();
  }
  if (error instanceof ContractViolationError && error.certificateId !== undefined) {
    const issued = await readBackOrRevoke(client, zoneId, error.certificateId, error);
    ledger.recordedIds.push(issued.id);
    return issued;
  }
  // A contract violation without a usable id is as uncertain as a lost answer.
  if (!(error instanceof UncertainOutcomeError) && !(error instanceof ContractViolationError)) throw error;
  const uncertain = error;
  await othersSettled(ledger, key);
  const sleep = options.sleep ?? delay;
  for (let look = 0; look < 2; look++) {
    if (look > 0) await sleep(options.settleDelayMs ?? 3_000);
    const issued = await claimIssuedSince(client, zoneId, request, startedAt, uncertain, ledger.recordedIds, existedBefore);
    if (issued !== undefined) return issued;
  }
  throw new CloudflareApiError(
    `${uncertain.message}; Cloudflare lists no certificate issued for this CSR since the request, so none was issued and nothing needs cleaning up: run the update again`,
    { cause: uncertain, ...(uncertain.status === undefined ? {} : { status: uncertain.status }), errors: [...uncertain.errors] },
  );
}

/** The zone's active certificates before this deployment issued any; a failure means nothing was sent. */
async function listBeforeIssuing(client: CloudflareClient, ledger: CreateLedger, zoneId: string): Promise<ApiClientCertificate[]> {
  try {
    return await activeBeforeIssuing(client, ledger, zoneId);
  } catch (error) {
    if (!(error instanceof CloudflareApiError)) throw error;
    throw new CloudflareApiError(
      `creating client certificate in zone ${zoneId}: nothing was sent, because listing the zone's active certificates first ` +
        `(to find any that an interrupted update issued) failed: ${error.message}`,
      { cause: error, ...(error.status === undefined ? {} : { status: error.status }), errors: [...error.errors] },
    );
  }
}

/**
 * The create's answer named certificate `id` but was unreadable: read it once more, and if that
 * answer is unreadable too, revoke it. When even revoking fails, throws
 * {@link UnrecordableCertificateError} so that the caller records the id.
 */
async function readBackOrRevoke(
  client: CloudflareClient,
  zoneId: string,
  id: string,
  violation: ContractViolationError,
): Promise<ApiClientCertificate> {
  let readError: unknown;
  try {
    return await client.getClientCertificate(zoneId, id);
  } catch (caught) {
    readError = caught;
  }
  const why = `${violation.message}; reading certificate ${id} again failed too (${messageOf(readError)})`;
  try {
    await client.revokeClientCertificate(zoneId, id);
  } catch (revokeError) {
    throw new UnrecordableCertificateError(id, `${why}, and revoking it failed (${messageOf(revokeError)})`);
  }
  throw new CloudflareApiError(`${why}; certificate ${id} was revoked, nothing is left behind: run the update again`, { cause: violation });
}

/**
 * A certificate was issued but cannot be read nor revoked: the caller must record `id` in state so
 * that a later refresh or destroy can deal with it.
 */
export class UnrecordableCertificateError extends CloudflareApiError {
  constructor(
    readonly certificateId: string,
    message: string,
  ) {
    super(message);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Finds the one unrecorded certificate issued for `request` since `startedAt` and records it in
 * `recordedIds` in the same synchronous step that chose it, so two recoveries never take the same one.
 */
async function claimIssuedSince(
  client: CloudflareClient,
  zoneId: string,
  request: CreateRequest,
  startedAt: number,
  original: CloudflareApiError,
  recordedIds: string[],
  existedBefore: readonly ApiClientCertificate[],
): Promise<ApiClientCertificate | undefined> {
  let active: ApiClientCertificate[];
  try {
    active = await client.listClientCertificates(zoneId, { status: "active" });
  } catch (listError) {
    throw new CloudflareApiError(
      `${original.message}; the certificate may have been issued, and looking for it failed too (${messageOf(listError)}): ` +
        `list the zone's certificates for this CSR before running the update again`,
      { cause: original },
    );
  }
  const issuedAt = (certificate: ApiClientCertificate): number => Date.parse(certificate.issued_on ?? "") || Number.POSITIVE_INFINITY;
  const candidates = active
    .filter((certificate) => certificate.status === "active" && !recordedIds.includes(certificate.id))
    // Listed before the POST, so not its result (a certificate the program declared coexisting).
    .filter((certificate) => !existedBefore.some((existing) => existing.id === certificate.id))
    .filter((certificate) => certificate.validity_days === request.validityDays && sameCsr(certificate.csr, request.csr))
    .filter((certificate) => issuedAt(certificate) >= startedAt - CLOCK_SKEW_MS);
  if (candidates.length > 1) {
    const ids = candidates.map((certificate) => `${certificate.id} (issued ${certificate.issued_on ?? "at an unknown time"})`).join(", ");
    throw new CloudflareApiError(
      `${original.message}; Cloudflare lists ${candidates.length} certificates for this CSR and validity issued since the request that no resource recorded: ${ids}. ` +
        `Not choosing between them, so nothing is recorded twice: revoke the ones no client uses (DELETE /zones/${zoneId}/client_certificates/<id>, or the dashboard), then run the update again`,
      { cause: original },
    );
  }
  const claimed = candidates[0];
  if (claimed !== undefined) recordedIds.push(claimed.id);
  return claimed;
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
  return certificateKey === csrPublicKeySha256
    ? undefined
    : "the certificate Cloudflare returned is for a different public key than the CSR";
}
