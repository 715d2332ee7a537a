import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../emulator";
import { main } from "../../provider/cli/main";

/** What one in-process run of the command line printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pulumi-cloudflare-mtls <argv>` in-process against the emulator, capturing its output. */
export async function runCli(
  argv: string[],
  options: { emulator?: Emulator; env?: NodeJS.ProcessEnv; cwd?: string; now?: number } = {},
): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env =
    options.env ??
    (options.emulator === undefined ? {} : { CLOUDFLARE_API_TOKEN: options.emulator.token, CLOUDFLARE_BASE_URL: options.emulator.baseUrl });
  const code = await main(argv, {
    print: (text) => stdout.push(`${text}\n`),
    printError: (text) => stderr.push(`${text}\n`),
    env,
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), "mtls-cli-")),
    now: () => options.now ?? Date.now(),
    client: { retry: { maxRetries: 0 }, sleep: async () => undefined },
  });
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}
