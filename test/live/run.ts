import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensurePulumiCli } from "../../scripts/demo/ensure-pulumi-cli";
import { repositoryRoot } from "../../scripts/demo/repository-root";
import { startEmulator, type Emulator } from "../../emulator";
import type { SweepAction } from "./certificate-sweep";
import { revokeLeftovers } from "./cleanup";
import { buildReport, compareWithEmulator, renderMarkdown, type ConformanceReport } from "./conformance-report";
import { LiveStack } from "./live-stack";
import { LIVE_COMMON_NAME_PREFIX, LiveTarget, targetFromEnvironment } from "./live-target";
import { IssuedCertificates, probeBeforeStack, probeRevoked, type Observation } from "./observations";
import { RawApi } from "./raw-api";
import type { StepResult } from "./stack-lifecycle";
import { runStackLifecycle } from "./stack-lifecycle";

// `npm run test:live`: the acceptance suite against the zone in CLOUDFLARE_ZONE_ID with
// CLOUDFLARE_API_TOKEN (skipped, exit 0, when they are not set), or with --emulator against a local
// emulator it starts. Writes live-conformance.md and .json; exits 1 only when the provider's
// documented behaviour broke (or, with --require-same, when any behaviour is not the emulator's).

const USAGE = `usage: npm run test:live -- [--emulator] [--report-dir DIR] [--revoked-wait-seconds N] [--require-same]
  --emulator              run against a local emulator started here, not CLOUDFLARE_BASE_URL
  --report-dir DIR        where live-conformance.md and .json go (default: live-report)
  --revoked-wait-seconds  how long to wait for a revoked certificate to observe (default 150; emulator 20)
  --require-same          exit 1 unless every behaviour is "same" (the CI run against the emulator)`;

const EMULATOR_ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      emulator: { type: "boolean", default: false },
      "report-dir": { type: "string", default: "live-report" },
      "revoked-wait-seconds": { type: "string" },
      "require-same": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let emulator: Emulator | undefined;
  let target: LiveTarget;
  if (values.emulator) {
    // Short delays, so the revoked-state probes need no long wait.
    emulator = await startEmulator({ revocationDelayMs: 3_000, reactivationDelayMs: 1_000 });
    target = new LiveTarget(emulator.baseUrl, emulator.token, EMULATOR_ZONE_ID);
  } else {
    const resolved = targetFromEnvironment();
    if ("skip" in resolved) {
      console.log(`live acceptance suite skipped: ${resolved.skip}`);
      return 0;
    }
    if ("error" in resolved) {
      console.error(`live acceptance suite: ${resolved.error}`);
      return 2;
    }
    target = resolved.target;
  }
  const waitSeconds = Number(values["revoked-wait-seconds"] ?? (values.emulator ? 20 : 150));
  try {
    const report = await runSuite(target, { waitSeconds });
    const directory = resolve(values["report-dir"]);
    writeReport(report, directory, target);
    const { summary } = report;
    console.log(
      `\nbehaviours: ${summary.same} same, ${summary.differs} differ, ${summary.notObserved} not observed; lifecycle: ${summary.stepsPassed} passed, ${summary.stepsFailed} failed, ${summary.stepsNotRun} not run`,
    );
    console.log(`report: ${join(directory, "live-conformance.md")} and .json (${report.seconds} s)`);
    const broken = summary.stepsFailed > 0 || summary.stepsNotRun > 0 || report.problems.length > 0;
    const notSame = summary.differs + summary.notObserved > 0;
    return broken || (values["require-same"] && notSame) ? 1 : 0;
  } finally {
    await emulator?.close();
  }
}

/**
 * The first Ctrl-C stops the run after the current command (the Pulumi CLI gets it too and cancels)
 * and still cleans up; a second one exits at once, leaving leftovers to `npm run sweep:live`.
 */
let interruption: string | undefined;
function onInterrupt(): void {
  if (interruption !== undefined) process.exit(130);
  interruption = "interrupted (Ctrl-C)";
  console.error(
    "\ninterrupted: stopping after the current command, then cleaning up; Ctrl-C again to abandon (then run `npm run sweep:live`)",
  );
}

async function runSuite(target: LiveTarget, options: { waitSeconds: number }): Promise<ConformanceReport> {
  const started = Date.now();
  process.on("SIGINT", onInterrupt);
  const repository = repositoryRoot();
  const prefix = `${LIVE_COMMON_NAME_PREFIX}${randomBytes(4).toString("hex")}-`;
  const api = new RawApi(target);
  const issued = new IssuedCertificates();
  const log = (line: string) => console.log(line);
  const observations: Observation[] = [];
  const problems: string[] = [];
  let steps: StepResult[] = [];
  let cleanup: SweepAction[] = [];
  console.log(`live acceptance suite against ${target.describe()}, zone ${target.zoneId}; certificates named ${prefix}*`);

  let stack: LiveStack | undefined;
  try {
    console.log("\n== raw API probes");
    const before = await probeBeforeStack(api, prefix, issued, observations, log);
    const deadline = Date.now() + options.waitSeconds * 1000;
    if (interruption !== undefined) throw new Error(interruption);

    console.log(`\n== lifecycle through the Pulumi engine (${before.acceptedKeyAlgorithms.join(", ")})`);
    stack = await LiveStack.create(repository, ensurePulumiCli(repository), target);
    steps = await runStackLifecycle(stack, api, target, {
      prefix,
      keyAlgorithms: before.acceptedKeyAlgorithms,
      log,
      onIssued: (id) => issued.ids.add(id),
      stopReason: () => interruption,
    });
    if (interruption !== undefined) throw new Error(interruption);

    console.log("\n== revoked certificate probes");
    const revoked = await probeRevoked(api, { id: before.revokedId, at: before.revokedAt }, LIVE_COMMON_NAME_PREFIX, deadline, issued);
    for (const observation of revoked) log(`  ${observation.id}: ${observation.observed ?? `not observed (${observation.detail})`}`);
    observations.push(...revoked);
  } catch (error) {
    problems.push(`the run stopped: ${(error as Error).message}`);
    console.error(`\nthe run stopped: ${(error as Error).message}`);
  } finally {
    console.log("\n== cleanup");
    if (stack !== undefined) {
      try {
        if ((await stack.resourceCount()) > 0) await stack.engine.destroy();
      } catch (error) {
        problems.push(`pulumi destroy during cleanup failed: ${(error as Error).message}`);
      }
      stack.dispose();
    }
    try {
      cleanup = await revokeLeftovers(api, issued.ids, prefix);
      for (const action of cleanup) log(`  ${action.action} ${action.id} ${action.commonName} (was ${action.status})`);
    } catch (error) {
      problems.push(`revoking leftovers failed (run \`npm run sweep:live\`): ${(error as Error).message}`);
    }
    process.off("SIGINT", onInterrupt);
  }
  return buildReport({
    packageVersion: (JSON.parse(readFileSync(join(repository, "package.json"), "utf8")) as { version: string }).version,
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    api: target.describe(),
    zoneId: target.zoneId,
    commonNamePrefix: prefix,
    rows: compareWithEmulator(observations),
    steps,
    cleanup,
    problems,
  });
}

function writeReport(report: ConformanceReport, directory: string, target: LiveTarget): void {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const markdown = renderMarkdown(report);
  // Nothing the report holds comes from the token, but it is meant to be attached to public issues.
  if (json.includes(target.token) || markdown.includes(target.token))
    throw new Error("the report would contain the API token; not written");
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "live-conformance.json"), json);
  writeFileSync(join(directory, "live-conformance.md"), markdown);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`live acceptance suite failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
