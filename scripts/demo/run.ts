import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as cli } from "../../provider/cli/main";
import { startEmulator, type Emulator } from "../../emulator";
import { certificateFacts, describeCertificate } from "./certificate-facts";
import { check, DemoCheckError } from "./demo-check-error";
import { ensurePulumiCli } from "./ensure-pulumi-cli";
import { repositoryRoot } from "./repository-root";
import { describeSecretsInState } from "./state-facts";
import { PulumiStack } from "../engine/pulumi-stack";

// `npm run demo`: a real `pulumi up`, a previewed change and `pulumi destroy` of examples/complete-mtls,
// against the local emulator, in a stack that lives in a temporary directory.

const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
/** The hostnames the example associates, and one "configured in the dashboard" that it must leave alone. */
const HOSTNAMES = ["api.example.com", "admin.example.com"];
const DASHBOARD_HOSTNAME = "legacy.example.com";
// A recognisable prefix lets test/demo.test.ts prove the token never reaches the output without
// knowing its random part.
const TOKEN_PREFIX = "emulator-token-";
// Long enough that the certificate is still pending revocation when we look after destroy.
const REVOCATION_DELAY_MS = 10 * 60_000;

async function main(): Promise<void> {
  const started = Date.now();
  const repository = repositoryRoot();
  printIntroduction();
  const cliBin = ensurePulumiCli(repository);
  const emulator = await startEmulator({
    token: TOKEN_PREFIX + randomBytes(24).toString("base64url"),
    revocationDelayMs: REVOCATION_DELAY_MS,
  });
  let stack: PulumiStack | undefined;
  const interrupted = (signal: NodeJS.Signals) => {
    stack?.dispose();
    console.error(`\n${signal}: stopped; the temporary stack is removed`);
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    stack = await demoStack(repository, cliBin, emulator);
    const certificateId = await deploy(stack, emulator);
    await previewChange(stack, emulator);
    await destroy(stack, emulator, certificateId);
    check(!stack.transcript.some((output) => output.includes(emulator.token)), "the API token appears in the Pulumi CLI's output");
    heading("Summary");
    print("  the API token appears in no CLI output and not in state");
    print(`  emulator API requests, whole demo: ${countByMethod(emulator.requests())}`);
    print(`  done in ${Math.round((Date.now() - started) / 1000)} s; temporary stack and files removed, the repository is untouched`);
  } finally {
    stack?.dispose();
    await emulator.close();
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
}

function printIntroduction(): void {
  print("pulumi-cloudflare-mtls demo: `pulumi up`, a previewed change and `pulumi destroy` of examples/complete-mtls");
  print("(CertificateRequest + ClientCertificate + HostnameAssociation + the WAF rule expression) against a local");
  print("Cloudflare API emulator, in a temporary stack.");
  print("Nothing is sent to Cloudflare. For the real Cloudflare, in the repository root: `pulumi stack init <name>`,");
  print("`pulumi config set zoneId <zone id>`, `export CLOUDFLARE_API_TOKEN=<token>`, `pulumi up` (see README.md).");
  if (process.env["CLOUDFLARE_API_TOKEN"] !== undefined) print("CLOUDFLARE_API_TOKEN is set in this shell; the demo does not use it.");
}

/** `pulumi up`, then what was issued, checked independently. Returns the certificate id. */
async function deploy(stack: PulumiStack, emulator: Emulator): Promise<string> {
  heading(`1/3 pulumi up (zone ${ZONE_ID}, emulator at ${emulator.baseUrl})`);
  await stack.setConfig("zoneId", ZONE_ID);
  await stack.setConfig("hostnames", JSON.stringify(HOSTNAMES));
  emulator.setHostnameAssociationsOutOfBand(ZONE_ID, [DASHBOARD_HOSTNAME]);
  print(`  before: the zone's managed CA is associated with ${DASHBOARD_HOSTNAME} (set "in the dashboard", not by this stack)`);
  const before = emulator.requests().length;
  await stack.up();
  const requests = emulator.requests().slice(before);

  heading("The certificate: from `pulumi stack output --show-secrets`, checked with node:crypto");
  const facts = certificateFacts(await stack.outputs(), emulator.caCertificatePem);
  for (const line of describeCertificate(facts)) print(line);
  check(facts.chainsToCa, "the certificate does not chain to the emulator's CA");
  const stored = emulator.certificates(ZONE_ID).find((certificate) => certificate.id === facts.id);
  check(stored?.status === "active", `the emulator has no active certificate ${facts.id}`);

  heading("Hostnames that now ask for a client certificate, and the rule that enforces it");
  const outputs = await stack.outputs();
  const associated = emulator.hostnameAssociations(ZONE_ID);
  print(`  emulator: managed CA of zone ${ZONE_ID} is associated with ${associated.join(", ")}`);
  print(`  stack output associatedHostnames: ${JSON.stringify(outputs["associatedHostnames"])}`);
  print(`  stack output ruleExpression (a WAF custom rule, action block):\n    ${String(outputs["ruleExpression"])}`);
  check(
    HOSTNAMES.every((hostname) => associated.includes(hostname)),
    `the emulator does not associate ${HOSTNAMES.join(", ")}`,
  );
  check(associated.includes(DASHBOARD_HOSTNAME), `up removed ${DASHBOARD_HOSTNAME}, which it does not manage`);

  heading("Secrets in state: `pulumi stack export`");
  for (const line of describeSecretsInState((await stack.exportState()).text, emulator.token)) print(line);
  print(`  emulator API requests during up: ${countByMethod(requests)}`);
  await auditZone(stack, emulator);
  return facts.id;
}

/** What a user runs after a killed `pulumi up`: the stack's state beside the zone's certificates. */
async function auditZone(stack: PulumiStack, emulator: Emulator): Promise<void> {
  heading("After an interrupted up, what is left? `pulumi stack export` + `pulumi-cloudflare-mtls audit`");
  const directory = mkdtempSync(join(tmpdir(), "cloudflare-mtls-demo-audit-"));
  try {
    await stack.cli(["stack", "export", "--file", join(directory, "state.json")]);
    const lines: string[] = [];
    const code = await cli(["audit", "--zone", ZONE_ID, "--state", "state.json"], {
      print: (text) => lines.push(text),
      printError: (text) => lines.push(text),
      env: { CLOUDFLARE_API_TOKEN: emulator.token, CLOUDFLARE_BASE_URL: emulator.baseUrl },
      cwd: directory,
      now: () => Date.now(),
    });
    for (const line of lines) print(`  ${line}`);
    check(code === 0, `audit found certificates no state records (exit code ${code})`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A change that replaces the certificate, previewed and not applied. */
async function previewChange(stack: PulumiStack, emulator: Emulator): Promise<void> {
  heading("2/3 pulumi preview --diff after `pulumi config set validityDays 730` (not applied)");
  await stack.setConfig("validityDays", "730");
  const before = emulator.requests().length;
  const { stdout } = await stack.preview({ diff: true });
  const mutating = emulator
    .requests()
    .slice(before)
    .filter((request) => request.method !== "GET");
  check(
    /\+-\s*pulumi-nodejs:dynamic\/cloudflare-mtls:ClientCertificate/.test(stdout),
    "the preview does not show the ClientCertificate replacement",
  );
  check(mutating.length === 0, `the preview sent ${countByMethod(mutating)} to the API`);
  print("\n  the ClientCertificate would be replaced (a new validity needs a new certificate); the preview changed nothing");
}

/** `pulumi destroy`: the certificate is revoked, the stack empty and then removed. */
async function destroy(stack: PulumiStack, emulator: Emulator, certificateId: string): Promise<void> {
  heading("3/3 pulumi destroy");
  await stack.destroy();
  const status = emulator.certificates(ZONE_ID).find((certificate) => certificate.id === certificateId)?.status;
  check(
    status === "pending_revocation",
    `after destroy the emulator reports certificate ${certificateId} as ${status ?? "absent"}, not pending_revocation`,
  );
  print(`\n  emulator: certificate ${certificateId} is ${status} (Cloudflare then revokes it)`);
  const associated = emulator.hostnameAssociations(ZONE_ID);
  check(
    associated.length === 1 && associated[0] === DASHBOARD_HOSTNAME,
    `after destroy the managed CA is associated with ${associated.join(", ") || "nothing"}, not only ${DASHBOARD_HOSTNAME}`,
  );
  print(
    `  emulator: the managed CA is associated with ${associated.join(", ")} only: destroy removed this stack's hostnames, not the dashboard's`,
  );
  const remaining = (await stack.exportState()).resources;
  check(remaining.length === 0, `${remaining.length} resources are left in state after destroy`);
  await stack.remove();
  print(`  stack ${stack.name} removed`);
}

/**
 * A throwaway stack of the repository's own Pulumi project (Pulumi.yaml at the root, running
 * examples/complete-mtls). The project directory holds links to the repository's files, so the
 * program runs from the repository as it is while the stack's config file is written beside the
 * links: the repository is never written to.
 */
function demoStack(repository: string, cliBin: string, api: Emulator): Promise<PulumiStack> {
  return PulumiStack.create({
    prefix: "cloudflare-mtls-demo-",
    stackName: "demo",
    cliBin,
    layOut: (project) => {
      for (const entry of readdirSync(repository)) {
        if (entry !== ".git" && !/^Pulumi\..+\.yaml$/.test(entry)) symlinkSync(join(repository, entry), join(project, entry));
      }
    },
    api,
    echo: true,
  });
}

function countByMethod(requests: readonly { method: string }[]): string {
  const counts = new Map<string, number>();
  for (const { method } of requests) counts.set(method, (counts.get(method) ?? 0) + 1);
  return counts.size === 0 ? "none" : [...counts].map(([method, count]) => `${method} ${count}`).join(", ");
}

function heading(text: string): void {
  print(`\n=== ${text}`);
}

function print(line: string): void {
  console.log(line);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\ndemo failed: ${error instanceof DemoCheckError ? "check: " : ""}${message}`);
  process.exitCode = 1;
});
