import { CERTIFICATE_STATUSES, type CertificateStatusFilter } from "../api-types";
import { CloudflareClient, type CloudflareClientOptions } from "../cloudflare-client";
import { resolveConnectionSettings, settingsFromEnvironment } from "../credentials";
import { describeInvalidId } from "../identifiers";

export { PROGRAM } from "../command-lines";

/** What a command reads and writes besides the network: injectable, so tests capture it. */
export interface CliIo {
  /** Writes a line to standard output. */
  print(text: string): void;
  /** Writes a line to standard error (notes, errors): never part of the output a user pipes. */
  printError(text: string): void;
  /** Where CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY + CLOUDFLARE_EMAIL) and CLOUDFLARE_BASE_URL are read. */
  env: NodeJS.ProcessEnv;
  /** The working directory relative paths are resolved against. */
  cwd: string;
  /** The current time in epoch milliseconds, for days left. */
  now(): number;
  /** HTTP options of the client (retries, timeouts), for tests. */
  client?: Omit<CloudflareClientOptions, "connection">;
}

/** The command line is wrong: exit code 2, with the message and where to find help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Exit codes. */
export const EXIT = { ok: 0, failure: 1, usage: 2, findings: 3 } as const;

/** A client for the credentials in the environment, as the provider reads them. */
export function clientFor(io: CliIo): CloudflareClient {
  const connection = resolveConnectionSettings([{ origin: "the environment", settings: settingsFromEnvironment(io.env) }]);
  return new CloudflareClient({ ...io.client, connection });
}

/** The `--zone` value, checked like every zone id before it goes into a request path. */
export function zoneOption(value: string | undefined, command: string): string {
  if (value === undefined)
    throw new UsageError(`${command} needs --zone <zone id> (32 lowercase hex characters, on the zone's Overview page in the dashboard)`);
  const problem = describeInvalidId(value);
  if (problem !== undefined) throw new UsageError(`--zone ${problem}`);
  return value;
}

/** The `--status` filter; `fallback` when not given. */
export function statusOption(value: string | undefined, fallback: CertificateStatusFilter): CertificateStatusFilter {
  if (value === undefined) return fallback;
  const accepted: readonly string[] = [...CERTIFICATE_STATUSES, "all"];
  if (!accepted.includes(value)) throw new UsageError(`--status must be one of ${accepted.join(", ")}; got ${JSON.stringify(value)}`);
  return value as CertificateStatusFilter;
}

const DAY_MS = 86_400_000;

/** Whole days from `now` until `expiresOn` (negative once expired), or undefined without a date. */
export function daysLeft(expiresOn: string | undefined, now: number): number | undefined {
  const expiry = expiresOn === undefined ? Number.NaN : Date.parse(expiresOn);
  return Number.isNaN(expiry) ? undefined : Math.floor((expiry - now) / DAY_MS);
}

/** A value from the network, with control characters (a terminal escape, a line break) shown as "?". */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}
