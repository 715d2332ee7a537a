import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";

const repo = join(__dirname, "..", "..");

/**
 * The directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`,
 * from scripts/pulumi-cli/ensure.sh (a cache hit takes well under a second; a first build on a
 * fresh machine takes about ten minutes, which jest's global setup pays before any test).
 */
export function pulumiCliBin(): string {
  const cached = process.env["PULUMI_MTLS_CLI_BIN"];
  if (cached !== undefined) return cached;
  const output = execFileSync("bash", [join(repo, "scripts", "pulumi-cli", "ensure.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const bin = output.trim().split("\n").pop() ?? "";
  process.env["PULUMI_MTLS_CLI_BIN"] = bin;
  return bin;
}

/** PATH for the engine: the CLI first, then the repository's Node 24 (the machine's may be too old). */
export function enginePath(): string {
  return [pulumiCliBin(), dirname(process.execPath), process.env["PATH"] ?? ""].join(":");
}
