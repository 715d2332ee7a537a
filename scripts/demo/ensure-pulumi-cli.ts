import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";

/**
 * The directory holding `pulumi` and its Node.js plugins, from scripts/pulumi-cli/ensure.sh. Its
 * progress goes straight to our stderr: on a fresh machine it builds the CLI for about ten
 * minutes, and the user should see why they are waiting.
 */
export function ensurePulumiCli(repository: string): string {
  const script = join(repository, "scripts", "pulumi-cli", "ensure.sh");
  const result = spawnSync("bash", [script], { cwd: repository, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const bin = result.stdout?.trim().split("\n").pop() ?? "";
  if (result.status !== 0 || bin === "") {
    const ended = result.error?.message ?? `exited ${result.status ?? result.signal}`;
    throw new Error(`no Pulumi CLI: scripts/pulumi-cli/ensure.sh ${ended} (see scripts/pulumi-cli/README.md)`);
  }
  return bin;
}

/** PATH for the engine: the CLI first, then the Node.js running us (the machine's may be too old). */
export function enginePath(cliBin: string): string {
  return [cliBin, dirname(process.execPath), process.env["PATH"] ?? ""].join(":");
}
