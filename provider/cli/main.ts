#!/usr/bin/env node
import { CloudflareApiError, ConfigurationError } from "../errors";
import { adoptCommand } from "./adopt-command";
import { auditCommand } from "./audit-command";
import { EXIT, PROGRAM, UsageError, type CliIo } from "./command-line";
import { listCommand } from "./list-command";
import { revokeCommand } from "./revoke-command";
import { StateFileError } from "./stack-state";

const HELP = `Usage: ${PROGRAM} <command> [options]

Commands:
  list    List a zone's client certificates (table or JSON).
  adopt   Write a zone's CSRs and print the ClientCertificate declarations that adopt its certificates.
  audit   Find certificates issued for a resource's CSR that no stack's state records (an interrupted up).
  revoke  Revoke certificates that no stack manages.

Run \`${PROGRAM} <command> --help\` for a command's options.
Credentials: CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL), CLOUDFLARE_BASE_URL.
Exit codes: 0 ok, 1 API or configuration error, 2 usage error, 3 audit found certificates.`;

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  list: listCommand,
  adopt: adoptCommand,
  audit: auditCommand,
  revoke: revokeCommand,
};

/**
 * Runs the command line `argv` (without the node and script paths) and resolves to the exit code:
 * 0 ok, 1 API, configuration or file error, 2 usage error. Never throws for those.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.printError(HELP);
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.print(HELP);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.printError(
      `${PROGRAM}: unknown command ${JSON.stringify(name)}; the commands are ${Object.keys(COMMANDS).join(", ")} (\`${PROGRAM} --help\`)`,
    );
    return EXIT.usage;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.printError(`${PROGRAM} ${name}: ${String((error as { message?: unknown }).message)}; see \`${PROGRAM} ${name} --help\``);
      return EXIT.usage;
    }
    if (
      error instanceof CloudflareApiError ||
      error instanceof ConfigurationError ||
      error instanceof StateFileError ||
      isFileError(error)
    ) {
      io.printError(`${PROGRAM} ${name}: ${error.message}`);
      return EXIT.failure;
    }
    throw error;
  }
}

/**
 * `node:util` parseArgs rejects unknown options and missing values with these codes. Checked by
 * code, not class: Node's own TypeError may come from another realm (a test runner's sandbox).
 */
function isParseArgsError(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

function isFileError(error: unknown): error is Error {
  return typeof error === "object" && error !== null && typeof (error as { syscall?: unknown }).syscall === "string";
}

/** The real process: stdout, stderr, environment and clock. */
export function processIo(): CliIo {
  return {
    print: (text) => process.stdout.write(`${text}\n`),
    printError: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
}

if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${PROGRAM}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
