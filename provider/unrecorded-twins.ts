import type { ApiClientCertificate } from "./api-types";
import type { CloudflareClient } from "./cloudflare-client";
import { upgradeLedger, type CreateLedger } from "./create-ledger";
import { sameCsr } from "./csr";

/**
 * How far back an unrecorded certificate for the same request counts as the possible result of an
 * interrupted create. A `pulumi up` killed mid-create (a CI timeout, an OOM kill) is usually run
 * again within hours; older leftovers are what `pulumi-cloudflare-mtls audit` is for.
 */
export const TWIN_WINDOW_MS = 24 * 60 * 60_000;

/** Tolerated difference between this machine's clock and Cloudflare's `issued_on`. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The request a create is about to send. */
export interface TwinQuery {
  /** {@link createRequestKey} of the request. */
  key: string;
  zoneId: string;
  csr: string;
  validityDays: number;
  /** Certificates the program declares may coexist with this one (`coexistingCertificateIds`). */
  coexistingIds: readonly string[];
  /** Now, in milliseconds since the epoch. */
  now: number;
}

/**
 * The zone's active certificates as they were before this deployment issued anything, listed once
 * per zone per provider process however many creates ask: later creates wait for the same listing.
 */
export function activeBeforeIssuing(client: CloudflareClient, ledger: CreateLedger, zoneId: string): Promise<ApiClientCertificate[]> {
  const cached = ledger.zoneListings.find((entry) => entry.zoneId === zoneId);
  if (cached !== undefined) return cached.active;
  const active = client.listClientCertificates(zoneId, { status: "active" });
  // A failed listing stays cached: every create in the zone then fails with the same reason
  // instead of listing again, keeping to one listing per zone per deployment.
  ledger.zoneListings.push({ zoneId, active });
  return active;
}

/**
 * Active certificates for the same zone, CSR and validity, issued within {@link TWIN_WINDOW_MS},
 * that no resource of this deployment has recorded (created, adopted, read or diffed) and that
 * the program did not declare as coexisting. Each may be the certificate of a create whose
 * `pulumi up` was killed before the answer arrived: issuing another would leave it an orphan.
 *
 * Replacements and renewals are not reported: the engine diffs the replaced resource first, which
 * records its certificate, and `check` of an existing resource notes its request
 * ({@link noteExistingRequest}), so one unrecorded certificate for that request is taken to be that
 * resource's own as long as no other is there. A replacement forced with `pulumi up --replace`, a
 * tainted resource or `replaceWith` is neither diffed nor checked with its old inputs: the engine
 * shows the provider nothing of the old certificate, so one issued within the window is reported.
 */
export function unrecordedTwins(listed: readonly ApiClientCertificate[], ledger: CreateLedger, query: TwinQuery): ApiClientCertificate[] {
  const matching = listed.filter(
    (certificate) =>
      certificate.status === "active" &&
      certificate.validity_days === query.validityDays &&
      !query.coexistingIds.includes(certificate.id) &&
      sameCsr(certificate.csr, query.csr),
  );
  const unrecorded = matching.filter((certificate) => !ledger.recordedIds.includes(certificate.id));
  const heldByExistingResource = ledger.existingRequests.includes(query.key) ? 1 : 0;
  const explained = Math.max(0, heldByExistingResource - (matching.length - unrecorded.length));
  if (unrecorded.length <= explained) return [];
  return unrecorded.filter((certificate) => issuedWithinWindow(certificate, query.now));
}

/**
 * Notes, from `check` of an existing resource, that a certificate for `key` is held by a resource
 * of this deployment. Kept once per request: two resources with the same request count as one,
 * which can only make the twin check stricter.
 */
export function noteExistingRequest(ledger: CreateLedger, key: string): void {
  upgradeLedger(ledger);
  if (!ledger.existingRequests.includes(key)) ledger.existingRequests.push(key);
}

function issuedWithinWindow(certificate: ApiClientCertificate, now: number): boolean {
  const issuedAt = Date.parse(certificate.issued_on ?? "");
  // An unknown issue time cannot rule the certificate out.
  if (Number.isNaN(issuedAt)) return true;
  return issuedAt >= now - TWIN_WINDOW_MS - CLOCK_SKEW_MS;
}
