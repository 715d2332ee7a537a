import { parseArgs } from "node:util";
import { toOutputs } from "../client-certificate-outputs";
import { clientFor, daysLeft, printable, PROGRAM, statusOption, UsageError, zoneOption, type CliIo } from "./command-line";

export const LIST_HELP = `Usage: ${PROGRAM} list --zone <zone id> [--status <status>] [--expiring-within <days>] [--json]

Lists a zone's API Shield client certificates, every page (one request per page).

Options:
  --zone <id>                 The zone id: 32 lowercase hex characters (required).
  --status <status>           active (default), pending_reactivation, pending_revocation, revoked or all.
  --expiring-within <days>    Only certificates that expire within this many days (or have expired).
  --json                      One JSON array with every field instead of a table.
  -h, --help                  Show this help.

Credentials: CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL); CLOUDFLARE_BASE_URL
for another endpoint. The token needs "SSL and Certificates Read" on the zone.
Exit codes: 0 listed, 1 API or configuration error, 2 usage error.`;

/** `list`: a table (id, status, common name, expires, days left) or JSON. */
export async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      zone: { type: "string" },
      status: { type: "string" },
      "expiring-within": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.print(LIST_HELP);
    return 0;
  }
  const zoneId = zoneOption(values.zone, "list");
  const status = statusOption(values.status, "active");
  const within = daysOption(values["expiring-within"]);

  const now = io.now();
  const listed = (await clientFor(io).listClientCertificates(zoneId, { status }))
    .map((certificate) => {
      const outputs = toOutputs(zoneId, certificate);
      return { id: certificate.id, ...outputs, daysLeft: daysLeft(outputs.expiresOn, now) };
    })
    .filter((certificate) => within === undefined || (certificate.daysLeft !== undefined && certificate.daysLeft <= within));

  if (values.json) {
    io.print(JSON.stringify(listed, null, 2));
    return 0;
  }
  if (listed.length === 0) {
    const expiring = within === undefined ? "" : ` expiring within ${within} days`;
    io.print(`No ${status === "all" ? "" : `${status} `}client certificates${expiring} in zone ${zoneId}.`);
    return 0;
  }
  const rows = listed.map((certificate) => [
    certificate.id,
    certificate.status,
    printable(certificate.commonName ?? "-"),
    certificate.expiresOn?.slice(0, 10) ?? "-",
    certificate.daysLeft === undefined ? "-" : String(certificate.daysLeft),
  ]);
  for (const line of table(["ID", "STATUS", "COMMON NAME", "EXPIRES", "DAYS LEFT"], rows)) io.print(line);
  return 0;
}

function daysOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--expiring-within must be a whole number of days, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Left-aligned columns, two spaces apart, the last one unpadded. */
function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  return all.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join("  "));
}
