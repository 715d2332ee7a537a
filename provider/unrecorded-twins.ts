import type { ApiClientCertificate } from "./api-types";
import type { CloudflareClient } from "./cloudflare-client";
import type { CreateLedger } from "./create-ledger";
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
 * records its certificate in the ledger.
 */
export function unrecordedTwins(listed: readonly ApiClientCertificate[], ledger: CreateLedger, query: TwinQuery): ApiClientCertificate[] {
  return listed.filter(
    (certificate) =>
      certificate.status === "active" &&
      certificate.validity_days === query.validityDays &&
      !ledger.recordedIds.includes(certificate.id) &&
      !query.coexistingIds.includes(certificate.id) &&
      issuedWithinWindow(certificate, query.now) &&
      sameCsr(certificate.csr, query.csr),
  );
}

function issuedWithinWindow(certificate: ApiClientCertificate, now: number): boolean {
  const issuedAt = Date.parse(certificate.issued_on ?? "");
  // An unknown issue time cannot rule the certificate out.
  if (Number.isNaN(issuedAt)) return true;
  return issuedAt >= now - TWIN_WINDOW_MS - CLOCK_SKEW_MS;
}
