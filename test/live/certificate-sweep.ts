import { certificateOf, describeAnswer, type RawApi, type RawCertificate } from "./raw-api";

/** What the sweep did about one certificate. */
export interface SweepAction {
  readonly id: string;
  readonly commonName: string;
  /** Status before the sweep. */
  readonly status: string;
  readonly action: "revoked" | "would revoke" | "left" | "failed";
  /** The revoke's answer, or why it was left. */
  readonly detail: string;
}

const PAGE_SIZE = 50;
const MAX_PAGES = 200;

/** Every certificate of the zone, all statuses, every page. */
export async function listAllCertificates(api: RawApi, query: Record<string, string> = { status: "all" }): Promise<RawCertificate[]> {
  const all: RawCertificate[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await api.call("GET", "", { query: { ...query, page, per_page: PAGE_SIZE } });
    if (answer.status !== 200 || !Array.isArray(answer.result)) {
      throw new Error(`listing the zone's client certificates: ${describeAnswer(answer)} ${answer.messages.join("; ")}`);
    }
    const certificates = (answer.result as unknown[]).filter(
      (item): item is RawCertificate => certificateOf({ ...answer, result: item }) !== undefined,
    );
    all.push(...certificates);
    const totalPages = (answer.resultInfo as { total_pages?: unknown } | undefined)?.total_pages;
    if (answer.result.length < PAGE_SIZE || (typeof totalPages === "number" && page >= totalPages)) break;
  }
  return all;
}

/** Still able to authenticate a client: what a sweep revokes. */
export function isUsable(status: string): boolean {
  return status === "active" || status === "pending_reactivation";
}

/**
 * Revokes every certificate of the zone whose common name starts with `prefix` and that is still
 * usable; reports the others as left. With `dryRun` nothing is sent but the list requests.
 */
export async function sweepByPrefix(api: RawApi, prefix: string, options: { dryRun?: boolean } = {}): Promise<SweepAction[]> {
  if (prefix.length < 8) throw new Error(`refusing to sweep by the prefix "${prefix}": too short to be only the live suite's certificates`);
  const actions: SweepAction[] = [];
  for (const certificate of await listSweepable(api)) {
    const commonName = certificate.common_name ?? "";
    if (!commonName.startsWith(prefix)) continue;
    const base = { id: certificate.id, commonName, status: certificate.status };
    if (!isUsable(certificate.status)) {
      actions.push({ ...base, action: "left", detail: `already ${certificate.status}` });
    } else if (options.dryRun === true) {
      actions.push({ ...base, action: "would revoke", detail: "dry run" });
    } else {
      const answer = await api.call("DELETE", certificate.id);
      actions.push({ ...base, action: answer.status === 200 ? "revoked" : "failed", detail: describeAnswer(answer) });
    }
  }
  return actions;
}

/**
 * Every certificate, with `status=all` (which Cloudflare's docs list); should an API refuse that, the
 * unfiltered list plus the reactivating ones, which together hold every certificate a sweep revokes.
 */
async function listSweepable(api: RawApi): Promise<RawCertificate[]> {
  try {
    return await listAllCertificates(api);
  } catch {
    const [unfiltered, reactivating] = await Promise.all([
      listAllCertificates(api, {}),
      listAllCertificates(api, { status: "pending_reactivation" }),
    ]);
    const seen = new Set(unfiltered.map((certificate) => certificate.id));
    return [...unfiltered, ...reactivating.filter((certificate) => !seen.has(certificate.id))];
  }
}

/** One line per action, for the terminal. */
export function describeSweep(actions: readonly SweepAction[]): string[] {
  return actions.map((action) => `  ${action.action.padEnd(12)} ${action.id}  ${action.commonName}  (${action.status}; ${action.detail})`);
}
