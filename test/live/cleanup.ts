import { setTimeout as sleep } from "node:timers/promises";
import { isUsable, sweepByPrefix, type SweepAction } from "./certificate-sweep";
import { certificateOf, describeAnswer, type RawApi } from "./raw-api";

/**
 * Revokes whatever the run issued that can still authenticate: each recorded id, then anything else
 * with the run's prefix. A certificate still reactivating may refuse a revoke until it is active,
 * so that case is retried for up to 30 s.
 */
export async function revokeLeftovers(api: RawApi, ids: ReadonlySet<string>, prefix: string): Promise<SweepAction[]> {
  const actions: SweepAction[] = [];
  for (const id of ids) {
    const certificate = certificateOf(await api.call("GET", id));
    if (certificate === undefined || !isUsable(certificate.status)) continue;
    const base = { id, commonName: certificate.common_name ?? "", status: certificate.status };
    let answer = await api.call("DELETE", id);
    for (let attempt = 0; answer.status !== 200 && attempt < 6; attempt++) {
      await sleep(5_000);
      answer = await api.call("DELETE", id);
    }
    actions.push({ ...base, action: answer.status === 200 ? "revoked" : "failed", detail: describeAnswer(answer) });
  }
  const swept = await sweepByPrefix(api, prefix);
  return [...actions, ...swept.filter((action) => action.action !== "left")];
}
