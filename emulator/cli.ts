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
    ...(args.mtlsCertificates === undefined ? {} : { mtlsCertificates: args.mtlsCertificates }),
    ...(args.rateLimit ? {} : { rateLimit: false as const }),
    ...(caDirectory === undefined ? {} : { ca: await caDirectory.ca.toPem() }),
    ...(args.quiet
      ? {}
      : {
          onRequest: (request) => print(describeRequest(request)),
        }),
  };
  const emulator = await startEmulator(options);
  for (const line of banner(emulator, args, env, caDirectory)) print(line);
  return emulator;
}

function describeRequest(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  const outcome = request.status === null ? "no answer" : `${request.status} in ${request.durationMs ?? 0} ms`;
  const fault = request.fault === null ? "" : ` (fault: ${request.fault})`;
  return `${request.method} ${request.path}${query === "" ? "" : `?${query}`} -> ${outcome}${fault}`;
}

/**
 * Only a generated token is printed: it is test data the user needs. A token given with --token may
 * be a real one (`--token "$CLOUDFLARE_API_TOKEN"`), and the shell's CLOUDFLARE_API_TOKEN is only
 * compared, never shown.
 */
function banner(
  emulator: Emulator,
  args: CliArguments,
  env: NodeJS.ProcessEnv,
  caDirectory: { certificatePath: string; created: boolean } | undefined,
): string[] {
  const generated = args.token === undefined;
  const shellToken = env["CLOUDFLARE_API_TOKEN"];
  const caFile =
    caDirectory === undefined
      ? "in memory only (use --ca-dir to keep it across restarts)"
      : `${caDirectory.certificatePath}${caDirectory.created ? " (created)" : " (loaded)"}`;
  return [
    "Cloudflare client-certificate API emulator",
    `  API base URL  ${emulator.baseUrl}`,
    `  admin         ${emulator.adminUrl}`,
    `  API token     ${generated ? emulator.token : "(given with --token; not printed)"}`,
    `  CA            ${emulator.adminUrl}/ca.pem`,
    `  CA file       ${caFile}`,
    "",
    "Point a client at it:",
    `  export CLOUDFLARE_BASE_URL=${emulator.baseUrl}`,
    `  export CLOUDFLARE_API_TOKEN=${generated ? emulator.token : "<the token given with --token>"}`,
    ...(shellToken === undefined || shellToken === "" || shellToken === emulator.token
      ? []
      : ["  (this shell's CLOUDFLARE_API_TOKEN is ignored and the emulator refuses it; the line above replaces it)"]),
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
