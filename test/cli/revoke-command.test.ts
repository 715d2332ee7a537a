import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudflareClient } from "../../provider/cloudflare-client";
import { startEmulator, type Emulator } from "../../emulator";
import { csrFixture } from "../fixtures/csr-fixtures";
import { runCli } from "./run-cli";
import { writeStackExport } from "./stack-export";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");

let emulator: Emulator;
let cwd: string;
let ids: string[];

beforeEach(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000 });
  cwd = mkdtempSync(join(tmpdir(), "mtls-revoke-"));
  const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
  ids = [];
  for (let index = 0; index < 2; index++) ids.push((await client.createClientCertificate(zoneId, { csr, validityDays: 90 })).id);
  emulator.clearRequests();
});
afterEach(async () => {
  await emulator.close();
});

const statusOf = (id: string | undefined) => emulator.certificates(zoneId).find((certificate) => certificate.id === id)?.status;
const lines = () => emulator.requests().map((request) => `${request.method} ${request.path.replace("/client/v4", "")}`);

describe("pulumi-cloudflare-mtls revoke", () => {
  test("revokes each given certificate with one DELETE", async () => {
    const { code, stdout, stderr } = await runCli(["revoke", "--zone", zoneId, ...ids], { emulator, cwd });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toBe(ids.map((id) => `revoked ${id} (p256.example.com): pending_revocation\n`).join(""));
    expect(lines()).toEqual(ids.map((id) => `DELETE /zones/${zoneId}/client_certificates/${id}`));
    expect(ids.map(statusOf)).toEqual(["pending_revocation", "pending_revocation"]);
  });

  test("counts an already revoked certificate as done", async () => {
    emulator.revokeOutOfBand(ids[0] ?? "", { immediately: true });
    const { code, stdout } = await runCli(["revoke", "--zone", zoneId, ids[0] ?? ""], { emulator, cwd });
    expect(code).toBe(0);
    expect(stdout).toBe(`revoked ${ids[0]}: it was already revoked\n`);
  });

  test("reports a certificate that is not in the zone and goes on with the others", async () => {
    const missing = "f".repeat(32);
    const { code, stdout, stderr } = await runCli(["revoke", "--zone", zoneId, missing, ids[1] ?? ""], { emulator, cwd });
    expect(code).toBe(1);
    expect(stderr).toBe(`pulumi-cloudflare-mtls revoke: certificate ${missing} is not in zone ${zoneId}\n`);
    expect(stdout).toBe(`revoked ${ids[1]} (p256.example.com): pending_revocation\n`);
  });

  test("refuses, before revoking anything, a certificate that a given state manages", async () => {
    const state = writeStackExport(cwd, "state.json", [{ name: "api", zoneId, csr, validityDays: 90, id: ids[1] ?? "" }]);
    const { code, stderr } = await runCli(["revoke", "--zone", zoneId, ids[0] ?? "", ids[1] ?? "", "--state", state], { emulator, cwd });
    expect(code).toBe(2);
    expect(stderr).toContain(
      `certificate ${ids[1]} is managed by api in state.json: remove the resource from the program (or run pulumi destroy) to revoke it; nothing was revoked`,
    );
    expect(emulator.requests()).toEqual([]);
    expect(ids.map(statusOf)).toEqual(["active", "active"]);
  });

  test.each([
    [["revoke", "--zone", zoneId], "revoke needs the ids of the certificates to revoke after the options"],
    [["revoke", "--zone", zoneId, "../.."], 'certificate id "../.." must be 32 lowercase hex characters (got 5 characters)'],
    [["revoke", "0".repeat(32)], "revoke needs --zone <zone id>"],
  ])("refuses %j before any request", async (argv, message) => {
    const { code, stderr } = await runCli(argv, { emulator, cwd });
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(emulator.requests()).toEqual([]);
  });
});
