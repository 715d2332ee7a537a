import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulator, type Emulator } from "../../../emulator";
import { PulumiProject } from "../../e2e/pulumi-project";
import { repositoryRoot } from "../../../scripts/demo/repository-root";

/** The programs compared, each in test/bench/scale/programs/<variant>. */
export const VARIANTS = ["ours", "naive", "noop"] as const;
export type Variant = (typeof VARIANTS)[number];

export const COMMANDS = ["up", "preview", "refresh", "destroy"] as const;
export type Command = (typeof COMMANDS)[number];

/** What one variant did at one N. */
export interface Measurement {
  readonly variant: Variant;
  readonly count: number;
  /** Wall-clock seconds of each command. */
  readonly seconds: Record<Command, number>;
  /** Commands that exited non-zero. */
  readonly failed: Command[];
  /** Requests the emulator refused with 429. */
  readonly rateLimited: number;
  /** Most requests the emulator was answering at once. */
  readonly maxInFlight: number;
  /** Bytes of the backend's checkpoint file (compact JSON) after `up`, per resource. */
  readonly checkpointBytesPerResource: number;
  /** Bytes of `pulumi stack export` (indented JSON) after `up`, per resource. */
  readonly exportBytesPerResource: number;
  /** Bytes of one resource's `__provider` output. */
  readonly providerBytes: number;
}

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

/**
 * Runs up, an unchanged preview, refresh and destroy of `count` resources of `variant` through the real
 * engine, against a fresh emulator (its own rate-limit window) that adds `latencyMs` to every request.
 * With `stateDirectory`, the state exported after `up` is kept there as `<variant>-<count>.json`.
 */
export async function measureVariant(
  variant: Variant,
  count: number,
  csrFile: string,
  latencyMs: number,
  stateDirectory?: string,
): Promise<Measurement> {
  const emulator = await startEmulator({ revocationDelayMs: 1_000 });
  emulator.injectFault({ route: "any", kind: "latency", delayMs: latencyMs, times: Infinity });
  const project = await PulumiProject.create(join(repositoryRoot(__dirname), "test", "bench", "scale", "programs", variant), emulator);
  try {
    copyFileSync(csrFile, join(project.directory, "csrs.json"));
    await project.setConfig("count", String(count));
    await project.setConfig("zoneId", zoneId);
    const seconds = {} as Record<Command, number>;
    const failed: Command[] = [];
    const run = async (command: Command, args: string[]): Promise<void> => {
      const start = performance.now();
      const result = await project.pulumi(args, { allowFailure: true });
      seconds[command] = (performance.now() - start) / 1000;
      if (result.code !== 0) {
        failed.push(command);
        writeFileSync(join(project.directory, `${command}.log`), `${result.stdout}\n${result.stderr}`);
        console.error(`  ${variant} N=${count}: pulumi ${command} exited ${result.code}: ${lastLines(result.stdout)}`);
      }
    };
    await run("up", ["up", "--yes"]);
    const { text, resources } = await project.exportState();
    if (stateDirectory !== undefined) writeFileSync(join(stateDirectory, `${variant}-${count}.json`), text);
    const managed = resources.filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic"));
    const provider = managed[0]?.outputs?.["__provider"];
    const checkpointBytes = project.checkpointBytes();
    await run("preview", ["preview", "--expect-no-changes"]);
    await run("refresh", ["refresh", "--yes"]);
    await run("destroy", ["destroy", "--yes"]);
    return {
      variant,
      count,
      seconds,
      failed,
      rateLimited: emulator.requests().filter((request) => request.status === 429).length,
      maxInFlight: maxInFlight(emulator),
      checkpointBytesPerResource: managed.length === 0 ? 0 : checkpointBytes / managed.length,
      exportBytesPerResource: managed.length === 0 ? 0 : Buffer.byteLength(text) / managed.length,
      providerBytes: typeof provider === "string" ? Buffer.byteLength(provider) : 0,
    };
  } finally {
    await project.dispose();
    await emulator.close();
  }
}

function maxInFlight(emulator: Emulator): number {
  const events = emulator.requests().flatMap((request) => [
    { at: request.at, change: 1 },
    { at: request.at + (request.durationMs ?? 0), change: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.change - b.change);
  let current = 0;
  let most = 0;
  for (const event of events) {
    current += event.change;
    most = Math.max(most, current);
  }
  return most;
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" | ");
}
