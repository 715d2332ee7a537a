import { parseArgs } from "node:util";
import { describeSweep, sweepByPrefix } from "./certificate-sweep";
import { LIVE_COMMON_NAME_PREFIX, targetFromEnvironment } from "./live-target";
import { RawApi } from "./raw-api";

// `npm run sweep:live [-- --dry-run]`: revokes the live suite's leftovers in CLOUDFLARE_ZONE_ID, every
// active (or reactivating) certificate whose common name starts with the suite's prefix, and lists what
// it did. Certificates of other names are never touched.

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } });
  const resolved = targetFromEnvironment();
  if ("skip" in resolved) {
    console.log(`sweep skipped: ${resolved.skip.replace(/, or run it against the local emulator.*$/, "")}`);
    return 0;
  }
  if ("error" in resolved) {
    console.error(`sweep: ${resolved.error}`);
    return 2;
  }
  const { target } = resolved;
  const dryRun = values["dry-run"];
  console.log(
    `${dryRun ? "dry run: " : ""}sweeping certificates named ${LIVE_COMMON_NAME_PREFIX}* in zone ${target.zoneId} (${target.describe()})`,
  );
  const actions = await sweepByPrefix(new RawApi(target), LIVE_COMMON_NAME_PREFIX, { dryRun });
  for (const line of describeSweep(actions)) console.log(line);
  const count = (action: string) => actions.filter((candidate) => candidate.action === action).length;
  console.log(
    `${actions.length} with the prefix: ${count("revoked")} revoked, ${count("would revoke")} would be revoked, ${count("left")} already revoked or pending, ${count("failed")} failed`,
  );
  return count("failed") > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
