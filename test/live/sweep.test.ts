import { spawn } from "node:child_process";
import { join } from "node:path";
import { CloudflareClient } from "../../provider/cloudflare-client";
import { generateCsr } from "../helpers/csr";
import { withEmulator } from "../helpers/with-emulator";
import { LIVE_COMMON_NAME_PREFIX } from "./live-target";

// `npm run sweep:live` from dist/, against the emulator: revokes only the live suite's leftovers.

const repo = join(__dirname, "..", "..");
const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

function sweep(args: readonly string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CLOUDFLARE_")));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, "dist", "test", "live", "sweep.js"), ...args], {
      cwd: repo,
      env: { ...inherited, ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

test("sweep:live without credentials says why it skipped and exits 0", async () => {
  const { code, output } = await sweep([], {});
  expect(code).toBe(0);
  expect(output).toMatch(/^sweep skipped: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID are not set\./);
});

test("sweep:live lists with --dry-run, then revokes only active certificates with the live prefix", async () => {
  await withEmulator({ revocationDelayMs: 60_000 }, async (emulator) => {
    const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
    const issue = async (commonName: string) =>
      (await client.createClientCertificate(zoneId, { csr: (await generateCsr({ commonName })).csrPem, validityDays: 30 })).id;
    const leftover = await issue(`${LIVE_COMMON_NAME_PREFIX}0badc0de-stack-rsa-2048`);
    const pending = await issue(`${LIVE_COMMON_NAME_PREFIX}0badc0de-probe-a`);
    await client.revokeClientCertificate(zoneId, pending);
    const production = await issue("api-client.example.com");
    const env = { CLOUDFLARE_API_TOKEN: emulator.token, CLOUDFLARE_ZONE_ID: zoneId, CLOUDFLARE_BASE_URL: emulator.baseUrl };

    const dry = await sweep(["--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.output).toContain(`would revoke ${leftover}`);
    expect(dry.output).toContain(`left         ${pending}`);
    expect(dry.output).not.toContain(production);
    expect(emulator.requests().filter((request) => request.method === "DELETE")).toHaveLength(1);

    const { code, output } = await sweep([], env);
    expect(code).toBe(0);
    expect(output).toContain(`revoked      ${leftover}`);
    expect(output).toMatch(/2 with the prefix: 1 revoked, 0 would be revoked, 1 already revoked or pending, 0 failed/);
    expect(output).not.toContain(emulator.token);
    const statuses = Object.fromEntries(emulator.certificates(zoneId).map((certificate) => [certificate.id, certificate.status]));
    expect(statuses).toEqual({ [leftover]: "pending_revocation", [pending]: "pending_revocation", [production]: "active" });
  });
});
