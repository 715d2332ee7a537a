import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { runCli } from "../cli/run-cli";
import { eventually } from "../helpers/eventually";
import { PulumiProject } from "./pulumi-project";

// A `pulumi up` killed with SIGKILL (a CI timeout, an OOM kill) after Cloudflare issued the
// certificate but before its answer arrived, then what a user runs next, through the real CLI and
// engine. And the legitimate twins of that certificate, which must never be taken for it.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const program = join(__dirname, "programs", "client-certificates");
const csrFile = join(__dirname, "..", "fixtures", "csr", "ecdsa-p256.csr");

jest.setTimeout(600_000);

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ revocationDelayMs: 1_000 });
});
afterAll(async () => {
  await emulator?.close();
});

async function project(
  certificates: Record<string, { validityDays: number; adoptCertificateId?: string; coexistingCertificateIds?: string[] }>,
): Promise<PulumiProject> {
  const created = await PulumiProject.create(program, emulator);
  copyFileSync(csrFile, join(created.directory, "client.csr"));
  await created.setConfig("zoneId", zoneId);
  await configure(created, certificates);
  return created;
}

const configure = (target: PulumiProject, certificates: Record<string, unknown>) =>
  target.setConfig("certificates", JSON.stringify(certificates));
const active = () =>
  emulator.certificates(zoneId).filter((certificate) => certificate.status === "active" || certificate.status === "pending_reactivation");
const posts = () => emulator.requests().filter((request) => request.method === "POST");
const stateIdOf = async (target: PulumiProject, name: string) =>
  (await target.exportState()).resources.find((resource) => resource.urn.endsWith(`::${name}`))?.id;

/** `pulumi stack export` to a file, then the package's `audit` command on it. */
async function audit(target: PulumiProject): Promise<{ code: number; stdout: string }> {
  const directory = mkdtempSync(join(tmpdir(), "mtls-audit-e2e-"));
  await target.pulumi(["stack", "export", "--file", join(directory, "state.json")]);
  return runCli(["audit", "--zone", zoneId, "--state", "state.json"], { emulator, cwd: directory });
}

describe("pulumi up killed with SIGKILL while Cloudflare's answer to a create is in flight", () => {
  let stack: PulumiProject;
  let orphan: string;

  beforeAll(async () => {
    emulator.reset();
    stack = await project({ api: { validityDays: 90 } });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  test("the certificate is issued, the CLI dies, and the state records only a pending create", async () => {
    emulator.injectFault({ route: "create", kind: "slow-create", delayMs: 600_000 });
    const up = stack.start(["up", "--yes", "--skip-preview"]);
    const [issued] = await eventually(() => (active().length === 1 ? active() : undefined), { timeoutMs: 240_000, intervalMs: 100 });
    orphan = issued?.id ?? "";
    up.killHard();
    expect((await up.exited).code).not.toBe(0);

    await stack.pulumi(["cancel", "--yes"]);
    const state = JSON.parse((await stack.exportState()).text) as {
      deployment: { pending_operations?: Array<{ type: string; resource: { urn: string } }> };
    };
    expect(state.deployment.pending_operations).toEqual([
      { type: "creating", resource: expect.objectContaining({ urn: expect.stringMatching(/::api$/) }) },
    ]);
    expect(await stateIdOf(stack, "api")).toBeUndefined();
  });

  test("audit names the certificate as the interrupted create's, with the commands to adopt or revoke it", async () => {
    const { code, stdout } = await audit(stack);
    expect(code).toBe(3);
    expect(stdout).toContain(`\n${orphan}  active`);
    expect(stdout).toContain(
      "  matches api (state.json): its create was interrupted (pending in the state): this is probably its certificate\n",
    );
    expect(stdout).toContain(`  adopt:  add adoptCertificateId: "${orphan}" to the ClientCertificate "api", then run pulumi up\n`);
  });

  test("the next up issues nothing beside it and names it with the ways forward", async () => {
    emulator.clearRequests();
    const up = await stack.pulumi(["up", "--yes", "--skip-preview"], { allowFailure: true });
    expect(up.code).not.toBe(0);
    const output = up.stdout + up.stderr;
    expect(output).toContain(
      `nothing was sent, because an active certificate for this CSR and validity is in the zone but in no state of this deployment: ${orphan}`,
    );
    expect(output).toContain(`add \`adoptCertificateId: "${orphan}"\` to this resource`);
    expect(posts()).toEqual([]);
    expect(active().map((certificate) => certificate.id)).toEqual([orphan]);
  });

  test("adopting it as the message says records it without a POST; refresh keeps it; destroy revokes it", async () => {
    await configure(stack, { api: { validityDays: 90, adoptCertificateId: orphan } });
    emulator.clearRequests();
    await stack.pulumi(["up", "--yes", "--skip-preview"]);
    expect(posts()).toEqual([]);
    expect(await stateIdOf(stack, "api")).toBe(orphan);

    await stack.pulumi(["refresh", "--yes", "--skip-preview"]);
    expect(await stateIdOf(stack, "api")).toBe(orphan);
    const { code } = await audit(stack);
    expect(code).toBe(0);

    await stack.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(active()).toEqual([]);
    expect(emulator.certificates(zoneId).map((certificate) => certificate.id)).toEqual([orphan]);
  });
});

describe("the other way forward: revoke it with the command line", () => {
  test("after revoking, up issues a new certificate and destroy leaves nothing active", async () => {
    emulator.reset();
    const stack = await project({ api: { validityDays: 90 } });
    try {
      emulator.injectFault({ route: "create", kind: "slow-create", delayMs: 600_000 });
      const up = stack.start(["up", "--yes", "--skip-preview"]);
      const [issued] = await eventually(() => (active().length === 1 ? active() : undefined), { timeoutMs: 240_000, intervalMs: 100 });
      up.killHard();
      await up.exited;
      await stack.pulumi(["cancel", "--yes"]);

      const revoked = await runCli(["revoke", "--zone", zoneId, issued?.id ?? ""], { emulator });
      expect(revoked.code).toBe(0);
      await stack.pulumi(["up", "--yes", "--skip-preview"]);
      const id = await stateIdOf(stack, "api");
      expect(active().map((certificate) => certificate.id)).toEqual([id]);
      expect(id).not.toBe(issued?.id);

      await stack.pulumi(["destroy", "--yes", "--skip-preview"]);
      expect(active()).toEqual([]);
    } finally {
      await stack.dispose();
    }
  });
});

describe("legitimate twins are never adopted", () => {
  test("a forced replacement (pulumi up --replace) of a certificate issued today stops, naming it, then replaces once told", async () => {
    // The engine neither diffs nor checks a targeted replacement with its old inputs, so the provider
    // cannot tell the old certificate from a killed up's: it stops rather than guess.
    emulator.reset();
    const stack = await project({ api: { validityDays: 90 } });
    try {
      await stack.pulumi(["up", "--yes", "--skip-preview"]);
      const old = await stateIdOf(stack, "api");
      const urn = (await stack.exportState()).resources.find((resource) => resource.urn.endsWith("::api"))?.urn ?? "";
      emulator.clearRequests();
      const refused = await stack.pulumi(["up", "--yes", "--skip-preview", "--replace", urn], { allowFailure: true });
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain(
        `or this is a forced replacement, \`pulumi up --replace\` or a tainted resource, of a certificate issued today`,
      );
      expect(posts()).toEqual([]);
      expect(await stateIdOf(stack, "api")).toBe(old);

      await configure(stack, { api: { validityDays: 90, coexistingCertificateIds: [old] } });
      await stack.pulumi(["up", "--yes", "--skip-preview", "--replace", urn]);
      const replacement = await stateIdOf(stack, "api");
      expect(replacement).not.toBe(old);
      expect(posts()).toHaveLength(1);
      expect(active().map((certificate) => certificate.id)).toEqual([replacement]);
    } finally {
      await stack.pulumi(["destroy", "--yes", "--skip-preview"]);
      await stack.dispose();
    }
  });

  test("a second stack with the same CSR fails naming the first stack's certificate, never adopting it, and issues its own once told", async () => {
    emulator.reset();
    const first = await project({ api: { validityDays: 90 } });
    const second = await project({ api: { validityDays: 90 } });
    try {
      await first.pulumi(["up", "--yes", "--skip-preview"]);
      const firsts = await stateIdOf(first, "api");

      const refused = await second.pulumi(["up", "--yes", "--skip-preview"], { allowFailure: true });
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain(`add \`coexistingCertificateIds: ["${firsts}"]\` to this resource`);
      expect(await stateIdOf(second, "api")).toBeUndefined();

      await configure(second, { api: { validityDays: 90, coexistingCertificateIds: [firsts] } });
      await second.pulumi(["up", "--yes", "--skip-preview"]);
      const seconds = await stateIdOf(second, "api");
      expect(seconds).not.toBe(firsts);
      expect(await stateIdOf(first, "api")).toBe(firsts);
      expect(
        active()
          .map((certificate) => certificate.id)
          .sort(),
      ).toEqual([firsts, seconds].sort());

      await second.pulumi(["destroy", "--yes", "--skip-preview"]);
      expect(active().map((certificate) => certificate.id)).toEqual([firsts]);
    } finally {
      await first.pulumi(["destroy", "--yes", "--skip-preview"]);
      await first.dispose();
      await second.dispose();
    }
  });
});
