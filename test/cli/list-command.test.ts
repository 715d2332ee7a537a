import { startEmulator, type Emulator } from "../../emulator";
import { CloudflareClient } from "../../provider/cloudflare-client";
import { csrFixture } from "../fixtures/csr-fixtures";
import { runCli } from "./run-cli";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const DAY_MS = 86_400_000;

let emulator: Emulator;
let client: CloudflareClient;

beforeEach(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000 });
  client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
});
afterEach(async () => {
  await emulator.close();
});

async function issue(csr: string, validityDays: number): Promise<{ id: string; issuedOn: number }> {
  const issued = await client.createClientCertificate(zoneId, { csr, validityDays });
  return { id: issued.id, issuedOn: Date.parse(issued.issued_on ?? "") };
}

describe("pulumi-cloudflare-mtls list", () => {
  test("prints a table of the active certificates with days left from the injected clock", async () => {
    const short = await issue(csrFixture("ecdsa-p256"), 30);
    const long = await issue(csrFixture("rsa-2048"), 365);
    emulator.revokeOutOfBand((await issue(csrFixture("ecdsa-p384"), 90)).id);
    emulator.clearRequests();
    const { code, stdout, stderr } = await runCli(["list", "--zone", zoneId], { emulator, now: short.issuedOn + 10 * DAY_MS });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID {32}STATUS {2}COMMON NAME {10}EXPIRES {5}DAYS LEFT$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^${short.id}  active  p256\\.example\\.com {5}\\d{4}-\\d{2}-\\d{2}  20$`)),
      expect.stringMatching(new RegExp(`^${long.id}  active  rsa2048\\.example\\.com  \\d{4}-\\d{2}-\\d{2}  355$`)),
    ]);
    expect(emulator.requests().map((request) => request.query)).toEqual([{ status: "active", page: "1", per_page: "50" }]);
  });

  test("--status all --json prints every certificate as JSON, one request per page", async () => {
    for (let index = 0; index < 51; index++) await issue(csrFixture("ecdsa-p256"), 90);
    emulator.clearRequests();
    const { code, stdout } = await runCli(["list", "--zone", zoneId, "--status", "all", "--json"], { emulator });
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(listed).toHaveLength(51);
    expect(listed[0]).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      zoneId,
      status: "active",
      validityDays: 90,
      commonName: "p256.example.com",
      daysLeft: 89,
    });
    expect(emulator.requests().map((request) => `${request.query["status"]} ${request.query["page"]}`)).toEqual(["all 1", "all 2"]);
  });

  test("--expiring-within keeps only certificates that close to expiry", async () => {
    const soon = await issue(csrFixture("ecdsa-p256"), 30);
    await issue(csrFixture("rsa-2048"), 365);
    const { code, stdout } = await runCli(["list", "--zone", zoneId, "--expiring-within", "60", "--json"], {
      emulator,
      now: soon.issuedOn,
    });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Array<{ id: string }>).map((certificate) => certificate.id)).toEqual([soon.id]);
  });

  test("says so when nothing matches", async () => {
    const { code, stdout } = await runCli(["list", "--zone", zoneId, "--status", "revoked"], { emulator });
    expect(code).toBe(0);
    expect(stdout).toBe(`No revoked client certificates in zone ${zoneId}.\n`);
  });

  test("--help prints the options and exits 0 without a request", async () => {
    const { code, stdout } = await runCli(["list", "--help"], { emulator });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Usage: pulumi-cloudflare-mtls list --zone <zone id> \[--status <status>\] \[--expiring-within <days>\] \[--json\]/,
    );
    expect(emulator.requests()).toEqual([]);
  });

  test.each([
    { name: "no --zone", argv: ["list"], want: /^pulumi-cloudflare-mtls list: list needs --zone <zone id>/ },
    {
      name: "a zone name",
      argv: ["list", "--zone", "example.com"],
      want: /^pulumi-cloudflare-mtls list: --zone must be 32 lowercase hex characters \(got 11 characters\)/,
    },
    {
      name: "an unknown status",
      argv: ["list", "--zone", zoneId, "--status", "expired"],
      want: /--status must be one of active, pending_reactivation, pending_revocation, revoked, all; got "expired"/,
    },
    {
      name: "a fractional window",
      argv: ["list", "--zone", zoneId, "--expiring-within", "1.5"],
      want: /--expiring-within must be a whole number of days, got "1.5"/,
    },
    { name: "an unknown option", argv: ["list", "--zone", zoneId, "--format", "csv"], want: /Unknown option '--format'/ },
    { name: "a positional argument", argv: ["list", zoneId], want: /Unexpected argument/ },
  ])("exits 2 on a usage error ($name), before any request", async ({ argv, want }) => {
    const { code, stdout, stderr } = await runCli(argv, { emulator });
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toMatch(want);
    expect(stderr).toMatch(/; see `pulumi-cloudflare-mtls list --help`\n$/);
    expect(emulator.requests()).toEqual([]);
  });

  test("exits 1 naming the variables to set when there are no credentials", async () => {
    const { code, stderr } = await runCli(["list", "--zone", zoneId], { env: { CLOUDFLARE_BASE_URL: emulator.baseUrl } });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^pulumi-cloudflare-mtls list: no Cloudflare credentials found: set CLOUDFLARE_API_TOKEN/);
  });

  test("exits 1 on a rejected token without ever printing it", async () => {
    const token = "wrong-token-0123456789abcdefghijklmnop";
    const { code, stdout, stderr } = await runCli(["list", "--zone", zoneId], {
      env: { CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_BASE_URL: emulator.baseUrl },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^pulumi-cloudflare-mtls list: .*listing client certificates in zone/);
    expect(stdout + stderr).not.toContain(token);
  });
});
