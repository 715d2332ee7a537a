import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { CloudflareClient } from "../../provider/cloudflare-client";
import { csrFixture } from "../fixtures/csr-fixtures";
import { projectWithInstalledPackage } from "../helpers/installed-package";

// The command line as `npx pulumi-cloudflare-mtls` runs it: the package's `bin`, from the built
// package installed in a project, in its own process.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

let emulator: Emulator;
let project: string;
let bin: string;

beforeAll(async () => {
  emulator = await startEmulator();
  project = projectWithInstalledPackage("mtls-bin-");
  const installed = join(project, "node_modules", "pulumi-cloudflare-mtls");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { bin: Record<string, string> };
  bin = join(installed, manifest.bin["pulumi-cloudflare-mtls"] ?? "");
});
afterAll(async () => {
  rmSync(project, { recursive: true, force: true });
  await emulator.close();
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: project, env: { PATH: process.env["PATH"] ?? "", ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
  });
}

test("the bin starts with a node shebang", () => {
  expect(readFileSync(bin, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
});

test("list and adopt run from the installed package and exit 0", async () => {
  const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
  const { id } = await client.createClientCertificate(zoneId, { csr: csrFixture("ecdsa-p256"), validityDays: 90 });
  const env = { CLOUDFLARE_API_TOKEN: emulator.token, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  const list = await run(["list", "--zone", zoneId], env);
  expect(list).toMatchObject({ code: 0, stderr: "" });
  expect(list.stdout).toContain(`${id}  active  p256.example.com`);
  const adopt = await run(["adopt", "--zone", zoneId], env);
  expect(adopt.code).toBe(0);
  expect(adopt.stdout).toContain(`adoptCertificateId: "${id}"`);
  for (const output of [list.stdout, list.stderr, adopt.stdout, adopt.stderr]) expect(output).not.toContain(emulator.token);
});

test("exits 1 on a rejected token without printing it, and 2 on a usage error", async () => {
  const token = "a-token-the-emulator-rejects-0123456789";
  const rejected = await run(["list", "--zone", zoneId], { CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_BASE_URL: emulator.baseUrl });
  expect(rejected.code).toBe(1);
  expect(rejected.stderr).toMatch(/^pulumi-cloudflare-mtls list: /);
  expect(rejected.stdout + rejected.stderr).not.toContain(token);
  expect((await run(["list", "--zone", "nope"], {})).code).toBe(2);
});
