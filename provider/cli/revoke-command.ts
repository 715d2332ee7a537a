import { parseArgs } from "node:util";
import { CloudflareApiError, CODE_ALREADY_REVOKED, NotFoundError } from "../errors";
import { describeInvalidId } from "../identifiers";
import { clientFor, EXIT, printable, PROGRAM, UsageError, zoneOption, type CliIo } from "./command-line";
import { readStackCertificates } from "./stack-state";

export const REVOKE_HELP = `Usage: ${PROGRAM} revoke --zone <zone id> <certificate id>... [--state <file>...]

Revokes certificates that no stack manages, such as one an interrupted \`pulumi up\` issued (see
\`${PROGRAM} audit\`). A certificate a stack manages is revoked by deleting its resource instead:
with --state, an id that the given state records is refused before anything is revoked.

Options:
  --zone <id>       The zone id: 32 lowercase hex characters (required).
  --state <file>    A \`pulumi stack export\` file whose certificates must not be revoked (repeatable).
  -h, --help        Show this help.

Credentials: CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL); CLOUDFLARE_BASE_URL
for another endpoint. The token needs "SSL and Certificates Edit" on the zone.
Exit codes: 0 all revoked (or already revoked), 1 API, configuration or file error, 2 usage error.`;

/** `revoke`: revokes the given certificates, one DELETE each. */
export async function revokeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      zone: { type: "string" },
      state: { type: "string", multiple: true },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.print(REVOKE_HELP);
    return EXIT.ok;
  }
  const zoneId = zoneOption(values.zone, "revoke");
  if (positionals.length === 0) throw new UsageError("revoke needs the ids of the certificates to revoke after the options");
  for (const id of positionals) {
    const problem = describeInvalidId(id);
    if (problem !== undefined) throw new UsageError(`certificate id ${JSON.stringify(id.slice(0, 40))} ${problem}`);
  }
  for (const file of values.state ?? []) {
    const managed = readStackCertificates(io.cwd, file).managed;
    const owner = managed.find((certificate) => positionals.includes(certificate.id ?? ""));
    if (owner !== undefined) {
      throw new UsageError(
        `certificate ${owner.id ?? ""} is managed by ${owner.name} in ${file}: remove the resource from the program (or run pulumi destroy) to revoke it; nothing was revoked`,
      );
    }
  }

  const client = clientFor(io);
  let failed = 0;
  for (const id of positionals) {
    try {
      const revoked = await client.revokeClientCertificate(zoneId, id);
      const commonName = revoked?.common_name ?? "";
      io.print(`revoked ${id}${commonName === "" ? "" : ` (${printable(commonName)})`}: ${revoked?.status ?? "confirmed"}`);
    } catch (error) {
      if (error instanceof CloudflareApiError && error.hasCode(CODE_ALREADY_REVOKED)) {
        io.print(`revoked ${id}: it was already revoked`);
        continue;
      }
      if (!(error instanceof NotFoundError)) throw error;
      io.printError(`${PROGRAM} revoke: certificate ${id} is not in zone ${zoneId}`);
      failed++;
    }
  }
  return failed > 0 ? EXIT.failure : EXIT.ok;
}
