import { loadOrCreateCaDirectory } from "./ca-directory";
import { CliUsageError, parseCliArguments, USAGE, type CliArguments } from "./cli-arguments";
import type { RecordedRequest } from "./request-log";
import { startEmulator, type Emulator, type EmulatorOptions } from "./server";

/**
 * Starts the emulator as `npm run emulator` does and prints how to use it. Returns the running
 * emulator, or undefined when only help was asked for.
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): Promise<Emulator | undefined> {
  const args = parseCliArguments(argv, env);
  if (args.help) {
    print(USAGE);
    return undefined;
  }
  const caDirectory = args.caDir === undefined ? undefined : await loadOrCreateCaDirectory(args.caDir);
  const options: EmulatorOptions = {
    port: args.port,
    ...(args.token === undefined ? {} : { token: args.token }),
    ...(args.apiKey === undefined ? {} : { apiKey: args.apiKey }),
    ...(args.email === undefined ? {} : { email: args.email }),
    ...(args.revocationDelayMs === undefined ? {} : { revocationDelayMs: args.revocationDelayMs }),
    ...(args.reactivationDelayMs === undefined ? {} : { reactivationDelayMs: args.reactivationDelayMs }),
    ...(args.zones === undefined ? {} : { zones: args.zones }),
    ...(args.rateLimit ? {} : { rateLimit: false as const }),
    ...(caDirectory === undefined ? {} : { ca: await caDirectory.ca.toPem() }),
    ...(args.quiet
      ? {}
      : {
          onRequest: (request) => print(describeRequest(request)),
        }),
  };
  const emulator = await startEmulator(options);
  for (const line of banner(emulator, args, caDirectory)) print(line);
  return emulator;
}

function describeRequest(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  const outcome = request.status === null ? "no answer" : `${request.status} in ${request.durationMs ?? 0} ms`;
  const fault = request.fault === null ? "" : ` (fault: ${request.fault})`;
  return `${request.method} ${request.path}${query === "" ? "" : `?${query}`} -> ${outcome}${fault}`;
}

function banner(
  emulator: Emulator,
  args: CliArguments,
  caDirectory: { certificatePath: string; created: boolean } | undefined,
): string[] {
  const tokenLine =
    args.tokenSource === "environment" ? "(taken from CLOUDFLARE_API_TOKEN; not printed)" : emulator.token;
  const caFile =
    caDirectory === undefined
      ? "in memory only (use --ca-dir to keep it across restarts)"
      : `${caDirectory.certificatePath}${caDirectory.created ? " (created)" : " (loaded)"}`;
  return [
    "Cloudflare client-certificate API emulator",
    `  API base URL  ${emulator.baseUrl}`,
    `  admin         ${emulator.adminUrl}`,
    `  API token     ${tokenLine}`,
    `  CA            ${emulator.adminUrl}/ca.pem`,
    `  CA file       ${caFile}`,
    "",
    "Point a client at it:",
    `  export CLOUDFLARE_BASE_URL=${emulator.baseUrl}`,
    args.tokenSource === "environment"
      ? "  (CLOUDFLARE_API_TOKEN is already set in this shell)"
      : `  export CLOUDFLARE_API_TOKEN=${emulator.token}`,
    "",
    "Ctrl-C stops it.",
  ];
}

async function main(): Promise<void> {
  let emulator: Emulator | undefined;
  try {
    emulator = await runCli(process.argv.slice(2), process.env, (line) => console.log(line));
  } catch (error) {
    if (error instanceof CliUsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (emulator === undefined) return;
  const running = emulator;
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: stopping`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
