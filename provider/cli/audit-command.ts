import { parseArgs } from "node:util";
import type { ApiClientCertificate } from "../api-types";
import { revokeCommandLine } from "../command-lines";
import { sameCsr } from "../csr";
import { clientFor, EXIT, printable, PROGRAM, UsageError, zoneOption, type CliIo } from "./command-line";
import { readStackCertificates, type StateCertificate } from "./stack-state";

export const AUDIT_HELP = `Usage: ${PROGRAM} audit --zone <zone id> --state <file> [--state <file>...] [--json]

Finds certificates that no stack knows about but that were issued for a managed resource's CSR:
what a \`pulumi up\` killed mid-create (a CI timeout, an OOM kill) leaves behind. Sets the stacks'
state beside the zone's certificates and prints, for each such certificate, the resource it
matches and the command to adopt or revoke it.

  pulumi stack export --file state.json
  ${PROGRAM} audit --zone <zone id> --state state.json

Options:
  --zone <id>       The zone id: 32 lowercase hex characters (required).
  --state <file>    A \`pulumi stack export\` file (required). Repeat it for every stack that manages
                    certificates in the zone: a certificate in any of them is not reported.
  --json            One JSON object instead of text.
  -h, --help        Show this help.

Credentials: CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL); CLOUDFLARE_BASE_URL
for another endpoint. The token needs "SSL and Certificates Read" on the zone.
Exit codes: 0 nothing found, 1 API, configuration or file error, 2 usage error, 3 certificates found.`;

/** A certificate in the zone that no given state records, issued for a resource's CSR and validity. */
export interface UnrecordedCertificate {
  id: string;
  status: string;
  issuedOn?: string;
  commonName?: string;
  /** The resources whose CSR and validity it was issued for. */
  matches: Array<{ urn: string; name: string; source: string; interruptedCreate: boolean; certificateId?: string }>;
  /** What to run or write: adopting applies only to a resource whose create was interrupted. */
  remedies: { adopt?: string; revoke: string };
}

/** `audit`: certificates an interrupted create may have left, and how to adopt or revoke each. */
export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      zone: { type: "string" },
      state: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.print(AUDIT_HELP);
    return EXIT.ok;
  }
  const zoneId = zoneOption(values.zone, "audit");
  const files = values.state ?? [];
  if (files.length === 0)
    throw new UsageError("audit needs --state <file>: the output of `pulumi stack export --file <file>` for each stack in the zone");

  const stacks = files.map((file) => readStackCertificates(io.cwd, file));
  const recordedIds = stacks.flatMap((stack) => stack.managed.map((certificate) => certificate.id));
  const inZone = (certificate: StateCertificate) => certificate.zoneId === zoneId;
  const resources = stacks.flatMap((stack) => [
    ...stack.managed.filter(inZone),
    ...stack.pendingCreates.filter(inZone).map((certificate) => ({ ...certificate, pending: true })),
  ]);
  for (const resource of resources) {
    if (resource.csr === undefined || resource.validityDays === undefined) {
      io.printError(
        `note: ${resource.name} (${resource.source}) has no readable CSR or validity in the state (a secret CSR is exported encrypted), so it is not compared`,
      );
    }
  }

  const live = (await clientFor(io).listClientCertificates(zoneId, { status: "all" })).filter(
    (certificate) =>
      (certificate.status === "active" || certificate.status === "pending_reactivation") && !recordedIds.includes(certificate.id),
  );
  const found = live.map((certificate) => unrecorded(zoneId, certificate, resources)).filter((finding) => finding.matches.length > 0);
  const unmatched = live.length - found.length;
  const pendingWithoutCertificate = resources.filter(
    (resource) =>
      "pending" in resource &&
      !found.some((finding) => finding.matches.some((match) => match.urn === resource.urn && match.interruptedCreate)),
  );

  if (values.json) {
    io.print(
      JSON.stringify(
        {
          zoneId,
          unrecorded: found,
          interruptedCreatesWithoutCertificate: pendingWithoutCertificate.map(({ urn, source }) => ({ urn, source })),
          otherUnrecordedCount: unmatched,
        },
        null,
        2,
      ),
    );
  } else {
    printReport(io, zoneId, found, pendingWithoutCertificate, unmatched);
  }
  return found.length > 0 ? EXIT.findings : EXIT.ok;
}

function unrecorded(
  zoneId: string,
  certificate: ApiClientCertificate,
  resources: Array<StateCertificate & { pending?: boolean }>,
): UnrecordedCertificate {
  const matches = resources
    .filter(
      (resource) =>
        resource.validityDays === certificate.validity_days && resource.csr !== undefined && sameCsr(resource.csr, certificate.csr),
    )
    .map((resource) => ({
      urn: resource.urn,
      name: resource.name,
      source: resource.source,
      interruptedCreate: resource.pending === true,
      ...(resource.id === undefined ? {} : { certificateId: resource.id }),
    }));
  const interrupted = matches.find((match) => match.interruptedCreate);
  const finding: UnrecordedCertificate = {
    id: certificate.id,
    status: certificate.status,
    matches,
    remedies: {
      revoke: revokeCommandLine(zoneId, [certificate.id]),
      ...(interrupted === undefined
        ? {}
        : { adopt: `add adoptCertificateId: "${certificate.id}" to the ClientCertificate "${interrupted.name}", then run pulumi up` }),
    },
  };
  if (certificate.issued_on !== undefined) finding.issuedOn = certificate.issued_on;
  if (certificate.common_name !== undefined && certificate.common_name !== "") finding.commonName = certificate.common_name;
  return finding;
}

function printReport(
  io: CliIo,
  zoneId: string,
  found: UnrecordedCertificate[],
  pendingWithoutCertificate: StateCertificate[],
  unmatched: number,
): void {
  if (found.length === 0) {
    io.print(`No certificate in zone ${zoneId} was issued for a resource's CSR without being in the given state.`);
  } else {
    io.print(
      `${found.length} certificate${found.length === 1 ? "" : "s"} in zone ${zoneId} ${found.length === 1 ? "was" : "were"} issued for a resource's CSR and validity but ${found.length === 1 ? "is" : "are"} in no given state:`,
    );
  }
  for (const finding of found) {
    io.print("");
    io.print(
      `${finding.id}  ${finding.status}  issued ${finding.issuedOn ?? "at an unknown time"}${finding.commonName === undefined ? "" : `  ${printable(finding.commonName)}`}`,
    );
    for (const match of finding.matches) {
      const why = match.interruptedCreate
        ? "its create was interrupted (pending in the state): this is probably its certificate"
        : `it already has certificate ${match.certificateId ?? "?"}`;
      io.print(`  matches ${match.name} (${match.source}): ${why}`);
    }
    if (finding.remedies.adopt !== undefined) io.print(`  adopt:  ${finding.remedies.adopt}`);
    io.print(
      `  revoke: ${finding.remedies.revoke}${finding.remedies.adopt === undefined ? "   (unless a stack not given with --state uses it)" : ""}`,
    );
  }
  for (const pending of pendingWithoutCertificate) {
    io.print("");
    io.print(
      `${pending.name} (${pending.source}): its create was interrupted, and no unrecorded certificate matches it: nothing was issued, \`pulumi up\` creates it.`,
    );
  }
  if (unmatched > 0) {
    io.print("");
    io.print(
      `${unmatched} other certificate${unmatched === 1 ? " is" : "s are"} in no given state and match${unmatched === 1 ? "es" : ""} no resource's CSR: \`${PROGRAM} list --zone ${zoneId}\` shows all.`,
    );
  }
}
