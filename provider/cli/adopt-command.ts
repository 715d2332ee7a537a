import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep, dirname } from "node:path";
import { parseArgs } from "node:util";
import { csrDer, csrPem, normalizeLineEndings } from "../csr";
import { adoptionSnippet, type AdoptedCertificate } from "./adoption-snippet";
import { clientFor, PROGRAM, statusOption, UsageError, zoneOption, type CliIo } from "./command-line";
import { declarationNames } from "./resource-names";

/** Where CSR files go unless `--out` says otherwise. */
const DEFAULT_OUT = "client-certificates";

export const ADOPT_HELP = `Usage: ${PROGRAM} adopt --zone <zone id> [--status <status>] [--out <dir>]

Brings a zone's existing client certificates under Pulumi without issuing new ones: writes each
certificate's CSR to <dir>/<id>.csr and prints TypeScript declaring a ClientCertificate with
adoptCertificateId for each, to paste into your Pulumi program. The next \`pulumi up\` adopts them
(no certificate is issued), a second \`up\` changes nothing. Run it in the Pulumi project directory:
the CSR paths in the code are relative to it (the nearest directory with a Pulumi.yaml).

Options:
  --zone <id>         The zone id: 32 lowercase hex characters (required).
  --status <status>   Which certificates: active (default), pending_revocation (adopting reactivates
                      them), pending_reactivation or all (revoked ones are skipped: they can never serve again).
  --out <dir>         Directory for the CSR files (default ${DEFAULT_OUT}).
  -h, --help          Show this help.

The code goes to standard output and notes to standard error, so \`${PROGRAM} adopt --zone <id> > adopted.ts\` works.
Credentials: CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL); CLOUDFLARE_BASE_URL
for another endpoint. The token needs "SSL and Certificates Read" on the zone.
Exit codes: 0 written, 1 API, configuration or file error, 2 usage error.`;

/** `adopt`: CSR files and the declarations that adopt the zone's certificates. */
export async function adoptCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      zone: { type: "string" },
      status: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.print(ADOPT_HELP);
    return 0;
  }
  const zoneId = zoneOption(values.zone, "adopt");
  const status = statusOption(values.status, "active");
  if (status === "revoked")
    throw new UsageError("--status revoked: a revoked certificate can never serve again and cannot be adopted; issue a new one instead");
  const out = values.out ?? DEFAULT_OUT;
  if (out.trim() === "") throw new UsageError("--out must name a directory");

  const listed = await clientFor(io).listClientCertificates(zoneId, { status });
  const adoptable = listed.filter((certificate) => certificate.status !== "revoked");
  if (adoptable.length < listed.length) {
    io.printError(`Skipped ${listed.length - adoptable.length} revoked certificate(s): they can never serve again.`);
  }
  if (adoptable.length === 0) {
    io.printError(`No ${status === "all" ? "adoptable" : status} client certificates in zone ${zoneId}: nothing to adopt.`);
    return 0;
  }

  const outDirectory = resolve(io.cwd, out);
  const projectDirectory = pulumiProjectDirectory(io.cwd);
  mkdirSync(outDirectory, { recursive: true });
  const names = declarationNames(adoptable.map((certificate) => ({ id: certificate.id, commonName: certificate.common_name })));
  const declared: AdoptedCertificate[] = adoptable.map((certificate, index) => {
    const file = join(outDirectory, `${certificate.id}.csr`);
    writeFileSync(file, canonicalCsr(certificate.csr));
    const name = names[index];
    if (name === undefined) throw new Error(`no name for certificate ${certificate.id}`);
    return {
      id: certificate.id,
      validityDays: certificate.validity_days,
      commonName: certificate.common_name,
      expiresOn: certificate.expires_on,
      csrPath: relative(projectDirectory, file).split(sep).join("/"),
      name,
    };
  });

  const command = `${PROGRAM} adopt --zone ${zoneId}${status === "active" ? "" : ` --status ${status}`}${values.out === undefined ? "" : ` --out ${out}`}`;
  io.print(adoptionSnippet(zoneId, declared, command));
  io.printError(
    `Wrote ${declared.length} CSR file(s) to ${outDirectory}. Paste the code above into the program of the Pulumi project in ${projectDirectory} ` +
      "(CSR paths are relative to it), then run `pulumi up`.",
  );
  return 0;
}

/** The CSR as canonical PEM; as sent (LF line endings) if it does not parse. */
function canonicalCsr(text: string): string {
  try {
    return csrPem(csrDer(text));
  } catch {
    return `${normalizeLineEndings(text).trimEnd()}\n`;
  }
}

/** The nearest directory at or above `start` with a Pulumi.yaml (Pulumi runs programs there), else `start`. */
function pulumiProjectDirectory(start: string): string {
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    if (existsSync(join(directory, "Pulumi.yaml")) || existsSync(join(directory, "Pulumi.yml"))) return directory;
    if (dirname(directory) === directory) return resolve(start);
  }
}
