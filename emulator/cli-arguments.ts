import { parseArgs } from "node:util";

export const DEFAULT_CLI_PORT = 8787;

/** What `npm run emulator` was asked to do. */
export interface CliArguments {
  readonly help: boolean;
  readonly port: number;
  /**
   * Given with `--token`, or undefined: generate one. Never read from CLOUDFLARE_API_TOKEN, which in
   * a developer's shell often holds a real token.
   */
  readonly token: string | undefined;
  readonly apiKey: string | undefined;
  readonly email: string | undefined;
  readonly revocationDelayMs: number | undefined;
  readonly reactivationDelayMs: number | undefined;
  readonly caDir: string | undefined;
  readonly zones: string[] | undefined;
  readonly mtlsCertificates: string[] | undefined;
  readonly rateLimit: boolean;
  readonly quiet: boolean;
}

export const USAGE = `Usage: npm run emulator -- [options]

Runs a local emulator of Cloudflare's API Shield client-certificate API on 127.0.0.1.

Options:
  --port N                    port (env EMULATOR_PORT; default ${DEFAULT_CLI_PORT}; 0 picks a free one)
  --token T                   accepted API token (default random; only a random one is printed).
                              CLOUDFLARE_API_TOKEN is never read: it may be a real token.
  --api-key K --email E       also accept X-Auth-Key / X-Auth-Email
  --revocation-delay-ms N     pending_revocation -> revoked (default 2000)
  --reactivation-delay-ms N   pending_reactivation -> active (default 1000)
  --ca-dir DIR                keep the CA key and certificate in DIR across restarts
  --zones a,b                 only these zone ids exist (default: any 32-hex id)
  --mtls-certificates a,b     BYO CA ids hostname associations may name (default: none, managed CA only)
  --no-rate-limit             disable the 1200 requests / 5 minutes limit
  --quiet                     do not print one line per request
  --help                      show this help`;

export class CliUsageError extends Error {}

export function parseCliArguments(argv: readonly string[], env: NodeJS.ProcessEnv): CliArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: "boolean", short: "h" },
        port: { type: "string" },
        token: { type: "string" },
        "api-key": { type: "string" },
        email: { type: "string" },
        "revocation-delay-ms": { type: "string" },
        "reactivation-delay-ms": { type: "string" },
        "ca-dir": { type: "string" },
        zones: { type: "string" },
        "mtls-certificates": { type: "string" },
        "no-rate-limit": { type: "boolean" },
        quiet: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  return {
    help: values.help === true,
    port: integer("--port", values.port ?? env["EMULATOR_PORT"], DEFAULT_CLI_PORT),
    token: values.token,
    apiKey: values["api-key"],
    email: values.email,
    revocationDelayMs: optionalInteger("--revocation-delay-ms", values["revocation-delay-ms"]),
    reactivationDelayMs: optionalInteger("--reactivation-delay-ms", values["reactivation-delay-ms"]),
    caDir: values["ca-dir"],
    zones: values.zones
      ?.split(",")
      .map((zone) => zone.trim())
      .filter((zone) => zone !== ""),
    mtlsCertificates: values["mtls-certificates"]
      ?.split(",")
      .map((id) => id.trim())
      .filter((id) => id !== ""),
    rateLimit: values["no-rate-limit"] !== true,
    quiet: values.quiet === true,
  };
}

function optionalInteger(flag: string, raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : integer(flag, raw, 0);
}

function integer(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new CliUsageError(`${flag} takes a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}
