import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudflareClient } from "../../provider/cloudflare-client";
import { startEmulator, type Emulator } from "../../emulator";
import { csrFixture } from "../fixtures/csr-fixtures";
import { runCli } from "./run-cli";
import { writeStackExport } from "./stack-export";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const otherZoneId = "1".repeat(32);
const csr = csrFixture("ecdsa-p256");

let emulator: Emulator;
let client: CloudflareClient;
let cwd: string;

beforeEach(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000 });
  client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
  cwd = mkdtempSync(join(tmpdir(), "mtls-audit-"));
});
afterEach(async () => {
  await emulator.close();
});

async function issue(request: { csr?: string; validityDays?: number; zoneId?: string } = {}): Promise<string> {
  return (
    await client.createClientCertificate(request.zoneId ?? zoneId, { csr: request.csr ?? csr, validityDays: request.validityDays ?? 90 })
  ).id;
}

const audit = async (...states: string[]) => {
  emulator.clearRequests();
  return runCli(["audit", "--zone", zoneId, ...states.flatMap((state) => ["--state", state])], { emulator, cwd });
};

describe("pulumi-cloudflare-mtls audit", () => {
  test("names the certificate a killed create left, with the resource it belongs to and both commands", async () => {
    const orphan = await issue();
    const state = writeStackExport(cwd, "state.json", [], [{ name: "api", zoneId, csr, validityDays: 90 }]);
    const { code, stdout, stderr } = await audit(state);
    expect({ code, stderr }).toEqual({ code: 3, stderr: "" });
    expect(stdout).toContain(`1 certificate in zone ${zoneId} was issued for a resource's CSR and validity but is in no given state:`);
    expect(stdout).toMatch(new RegExp(`\\n${orphan}  active  issued \\d{4}-\\d\\d-\\d\\dT[0-9:]+Z  p256\\.example\\.com\\n`));
    expect(stdout).toContain(
      "  matches api (state.json): its create was interrupted (pending in the state): this is probably its certificate\n",
    );
    expect(stdout).toContain(`  adopt:  add adoptCertificateId: "${orphan}" to the ClientCertificate "api", then run pulumi up\n`);
    expect(stdout).toContain(`  revoke: npx pulumi-cloudflare-mtls revoke --zone ${zoneId} ${orphan}\n`);
    expect(emulator.requests().map((request) => `${request.method} ${JSON.stringify(request.query)}`)).toEqual([
      `GET {"status":"all","page":"1","per_page":"50"}`,
    ]);
  });

  test("names the twin left beside a resource that the next up issued anew, offering only to revoke it", async () => {
    const orphan = await issue();
    const managed = await issue();
    const state = writeStackExport(cwd, "state.json", [{ name: "api", zoneId, csr, validityDays: 90, id: managed }]);
    const { code, stdout } = await audit(state);
    expect(code).toBe(3);
    expect(stdout).toContain(`\n${orphan}  active`);
    expect(stdout).not.toContain(`\n${managed}  `);
    expect(stdout).toContain(`  matches api (state.json): it already has certificate ${managed}\n`);
    expect(stdout).toContain(
      `  revoke: npx pulumi-cloudflare-mtls revoke --zone ${zoneId} ${orphan}   (unless a stack not given with --state uses it)\n`,
    );
    expect(stdout).not.toContain("adopt:");
  });

  test("reports nothing for a certificate that another given stack records", async () => {
    const mine = await issue();
    const theirs = await issue();
    const first = writeStackExport(cwd, "first.json", [{ name: "api", zoneId, csr, validityDays: 90, id: mine }]);
    const second = writeStackExport(cwd, "second.json", [{ name: "api-staging", zoneId, csr, validityDays: 90, id: theirs }]);
    const { code, stdout } = await audit(first, second);
    expect(code).toBe(0);
    expect(stdout).toBe(`No certificate in zone ${zoneId} was issued for a resource's CSR without being in the given state.\n`);
  });

  test("ignores revoked certificates, other validities, other CSRs, and resources of other zones; counts the unmatched", async () => {
    const revoked = await issue();
    emulator.revokeOutOfBand(revoked, { immediately: true });
    await issue({ validityDays: 91 });
    await issue({ csr: csrFixture("ecdsa-p384") });
    const state = writeStackExport(
      cwd,
      "state.json",
      [
        {
          name: "elsewhere",
          zoneId: otherZoneId,
          csr: csrFixture("ecdsa-p384"),
          validityDays: 90,
          id: await issue({ zoneId: otherZoneId, csr: csrFixture("ecdsa-p384") }),
        },
      ],
      [{ name: "api", zoneId, csr, validityDays: 90 }],
    );
    const { code, stdout } = await audit(state);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "api (state.json): its create was interrupted, and no unrecorded certificate matches it: nothing was issued, `pulumi up` creates it.\n",
    );
    expect(stdout).toContain(
      `2 other certificates are in no given state and match no resource's CSR: \`pulumi-cloudflare-mtls list --zone ${zoneId}\` shows all.\n`,
    );
  });

  test("--json prints one object with each finding and its remedies", async () => {
    const orphan = await issue();
    const state = writeStackExport(cwd, "state.json", [], [{ name: "api", zoneId, csr, validityDays: 90 }]);
    emulator.clearRequests();
    const { code, stdout } = await runCli(["audit", "--zone", zoneId, "--state", state, "--json"], { emulator, cwd });
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toEqual({
      zoneId,
      unrecorded: [
        {
          id: orphan,
          status: "active",
          issuedOn: expect.any(String),
          commonName: "p256.example.com",
          matches: [{ urn: expect.stringMatching(/::api$/), name: "api", source: "state.json", interruptedCreate: true }],
          remedies: {
            adopt: `add adoptCertificateId: "${orphan}" to the ClientCertificate "api", then run pulumi up`,
            revoke: `npx pulumi-cloudflare-mtls revoke --zone ${zoneId} ${orphan}`,
          },
        },
      ],
      interruptedCreatesWithoutCertificate: [],
      otherUnrecordedCount: 0,
    });
  });

  test("notes a resource whose CSR is exported encrypted instead of comparing it", async () => {
    await issue();
    const state = writeStackExport(
      cwd,
      "state.json",
      [],
      [{ name: "api", zoneId, csr: { ciphertext: "v1:abc" } as unknown as string, validityDays: 90 }],
    );
    const { code, stderr } = await audit(state);
    expect(code).toBe(0);
    expect(stderr).toBe(
      "note: api (state.json) has no readable CSR or validity in the state (a secret CSR is exported encrypted), so it is not compared\n",
    );
  });

  test.each([
    [
      [],
      2,
      "pulumi-cloudflare-mtls audit: audit needs --state <file>: the output of `pulumi stack export --file <file>` for each stack in the zone; see `pulumi-cloudflare-mtls audit --help`\n",
    ],
    [
      ["--state", "broken.json"],
      1,
      "pulumi-cloudflare-mtls audit: broken.json is not JSON: write it with `pulumi stack export --file broken.json`\n",
    ],
    [
      ["--state", "other.json"],
      1,
      'pulumi-cloudflare-mtls audit: other.json is not the output of `pulumi stack export`: it has no "deployment" object\n',
    ],
  ])("refuses %j with exit code %i before any request", async (args, exitCode, message) => {
    writeFileSync(join(cwd, "broken.json"), "{ not json");
    writeFileSync(join(cwd, "other.json"), JSON.stringify({ resources: [] }));
    const { code, stderr } = await runCli(["audit", "--zone", zoneId, ...args], { emulator, cwd });
    expect({ code, stderr }).toEqual({ code: exitCode, stderr: message });
    expect(emulator.requests()).toEqual([]);
  });
});
