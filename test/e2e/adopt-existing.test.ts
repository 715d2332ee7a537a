import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { CloudflareClient } from "../../provider";
import { csrFixture } from "../fixtures/csr-fixtures";
import { isEncryptedSecret, PulumiProject, type CommandResult } from "./pulumi-project";

// Migrating existing certificates: issued straight through the API (as the dashboard does), then
// `npx pulumi-cloudflare-mtls adopt` writes their CSRs and the declarations, which are pasted into
// the program; the real engine adopts them without issuing anything.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

jest.setTimeout(240_000);

let emulator: Emulator;
let project: PulumiProject;
const ids: { p256: string; rsa: string; pending: string; revoked: string } = { p256: "", rsa: "", pending: "", revoked: "" };
let snippet = "";

beforeAll(async () => {
  // Revocation stays pending for the whole test, so destroy can be seen and the pending one reactivated.
  emulator = await startEmulator({ revocationDelayMs: 600_000, reactivationDelayMs: 500 });
  project = await PulumiProject.create("existing-csr", emulator);
  const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
  const issue = async (csr: string, validityDays: number) => (await client.createClientCertificate(zoneId, { csr, validityDays })).id;
  ids.p256 = await issue(csrFixture("ecdsa-p256"), 90);
  ids.rsa = await issue(csrFixture("rsa-2048"), 3650);
  ids.pending = await issue(csrFixture("ecdsa-p384"), 365);
  ids.revoked = await issue(csrFixture("ecdsa-p256-other"), 365);
  emulator.revokeOutOfBand(ids.pending);
  emulator.revokeOutOfBand(ids.revoked, { immediately: true });
  emulator.clearRequests();
});

afterAll(async () => {
  await project?.dispose();
  await emulator?.close();
});

/** Runs the installed package's bin in the project directory, as `npx pulumi-cloudflare-mtls` does. */
function cli(args: string[]): Promise<CommandResult> {
  const installed = join(project.directory, "node_modules", "pulumi-cloudflare-mtls");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { bin: Record<string, string> };
  const bin = join(installed, manifest.bin["pulumi-cloudflare-mtls"] ?? "");
  const env = { PATH: process.env["PATH"] ?? "", CLOUDFLARE_API_TOKEN: emulator.token, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: project.directory, env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

const requestLines = () => emulator.requests().map((request) => `${request.method} ${request.path.split("/").pop() ?? ""}`);
const mutating = () => emulator.requests().filter((request) => request.method !== "GET");

test("adopt writes the CSRs and the declarations for every certificate that can serve", async () => {
  const adopt = await cli(["adopt", "--zone", zoneId, "--status", "all", "--out", "certificates"]);
  expect(adopt.code).toBe(0);
  snippet = adopt.stdout;
  for (const id of [ids.p256, ids.rsa, ids.pending]) expect(snippet).toContain(`adoptCertificateId: "${id}"`);
  expect(snippet).not.toContain(ids.revoked);
  expect(readFileSync(join(project.directory, "certificates", `${ids.rsa}.csr`), "utf8")).toBe(csrFixture("rsa-2048"));
  expect(adopt.stderr).toMatch(/Skipped 1 revoked certificate/);
  expect(adopt.stdout + adopt.stderr).not.toContain(emulator.token);
  expect(mutating()).toEqual([]);
});

test("a program that differs from a certificate fails the up with the fix, changing nothing", async () => {
  project.writeProgram(
    [
      'import * as fs from "node:fs";',
      'import { ClientCertificate } from "pulumi-cloudflare-mtls";',
      'new ClientCertificate("mismatch", {',
      `  zoneId: "${zoneId}",`,
      `  csr: fs.readFileSync("certificates/${ids.p256}.csr", "utf8"),`,
      "  validityDays: 30,",
      `  adoptCertificateId: "${ids.p256}",`,
      "});",
    ].join("\n"),
  );
  emulator.clearRequests();
  const up = await project.pulumi(["up", "--yes"], { allowFailure: true });
  expect(up.code).not.toBe(0);
  expect(up.stdout + up.stderr).toContain(
    `adopting client certificate ${ids.p256} in zone ${zoneId}: validityDays is 30 in the program but the certificate has 90: write validityDays: 90; nothing was changed`,
  );
  expect(requestLines()).toEqual([`GET ${ids.p256}`]);
  expect(await project.resource("ClientCertificate")).toBeUndefined();
});

test("up adopts them without a POST, reactivates the pending one and keeps each PEM secret", async () => {
  project.writeProgram(snippet);
  emulator.clearRequests();
  await project.up();
  expect(emulator.requests().filter((request) => request.method === "POST")).toEqual([]);
  expect(mutating().map((request) => `${request.method} ${request.path.split("/").pop() ?? ""}`)).toEqual([`PATCH ${ids.pending}`]);
  const { text, resources } = await project.exportState();
  const certificates = resources.filter((resource) => resource.type.endsWith(":ClientCertificate"));
  expect(certificates.map((resource) => resource.id).sort()).toEqual([ids.p256, ids.rsa, ids.pending].sort());
  for (const certificate of certificates) {
    expect(isEncryptedSecret(certificate.outputs?.["certificate"])).toBe(true);
    expect(certificate.outputs?.["zoneId"]).toBe(zoneId);
  }
  expect(certificates.find((resource) => resource.id === ids.rsa)?.outputs).toMatchObject({
    validityDays: 3650,
    status: "active",
    commonName: "rsa2048.example.com",
  });
  expect(certificates.find((resource) => resource.id === ids.pending)?.outputs?.["status"]).toMatch(/^(pending_reactivation|active)$/);
  expect(text).not.toContain(emulator.token);
  expect(emulator.certificates(zoneId).map((certificate) => certificate.status)).not.toContain("pending_revocation");
});

test("a second up changes nothing and sends no request that mutates", async () => {
  emulator.clearRequests();
  await project.up({ expectNoChanges: true });
  expect(mutating()).toEqual([]);
});

test("removing adoptCertificateId from the program is no change", async () => {
  project.writeProgram(snippet.replace(/^ {2}adoptCertificateId: .*\n/gm, ""));
  emulator.clearRequests();
  await project.preview({ expectNoChanges: true });
  expect(emulator.requests()).toEqual([]);
});

test("refresh reads them back and leaves nothing to change", async () => {
  emulator.clearRequests();
  await project.refresh();
  expect(mutating()).toEqual([]);
  expect(new Set(requestLines())).toEqual(new Set([`GET ${ids.p256}`, `GET ${ids.rsa}`, `GET ${ids.pending}`]));
  await project.preview({ expectNoChanges: true });
});

test("pasting the adopt output twice fails the program naming both resources, before any request", async () => {
  const again = snippet.slice(snippet.indexOf("const p256ExampleCom = ")).split("});")[0] ?? "";
  expect(again).toContain(`adoptCertificateId: "${ids.p256}"`);
  project.writeProgram(
    `${snippet}\n${again.replace('const p256ExampleCom = new ClientCertificate("p256-example-com"', 'const again = new ClientCertificate("again"')}});\n`,
  );
  emulator.clearRequests();
  const up = await project.pulumi(["up", "--yes"], { allowFailure: true });
  expect(up.code).not.toBe(0);
  expect(up.stdout + up.stderr).toContain(`ClientCertificate "again" and "p256-example-com" both adopt client certificate ${ids.p256}`);
  expect(emulator.requests()).toEqual([]);
  project.writeProgram(snippet);
});

test("destroy revokes every adopted certificate", async () => {
  emulator.clearRequests();
  await project.destroy();
  expect(requestLines().sort()).toEqual([`DELETE ${ids.p256}`, `DELETE ${ids.rsa}`, `DELETE ${ids.pending}`].sort());
  const statuses = Object.fromEntries(emulator.certificates(zoneId).map((certificate) => [certificate.id, certificate.status]));
  expect(statuses).toEqual({
    [ids.p256]: "pending_revocation",
    [ids.rsa]: "pending_revocation",
    [ids.pending]: "pending_revocation",
    [ids.revoked]: "revoked",
  });
});

test("two resources adopting one certificate, one id computed: one has it, the other fails naming it", async () => {
  const declaration = (name: string) => [
    `new ClientCertificate("${name}", {`,
    `  zoneId: "${zoneId}",`,
    `  csr: fs.readFileSync("certificates/${ids.rsa}.csr", "utf8"),`,
    "  validityDays: 3650,",
    `  adoptCertificateId: "${ids.rsa}",`,
    "});",
  ];
  // An id computed by the program (an Output) is only known in the provider process, whose ledger catches it.
  const computed = declaration("second").map((line) =>
    line.replace(`adoptCertificateId: "${ids.rsa}"`, `adoptCertificateId: pulumi.output("${ids.rsa}")`),
  );
  project.writeProgram(
    [
      'import * as fs from "node:fs";',
      'import * as pulumi from "@pulumi/pulumi";',
      'import { ClientCertificate } from "pulumi-cloudflare-mtls";',
      ...declaration("first"),
      ...computed,
    ].join("\n"),
  );
  emulator.clearRequests();
  const up = await project.pulumi(["up", "--yes"], { allowFailure: true });
  expect(up.code).not.toBe(0);
  expect(up.stdout + up.stderr).toContain(
    `adopting client certificate ${ids.rsa} in zone ${zoneId}: another ClientCertificate of this stack already adopts or manages it in this deployment`,
  );
  // The one that had it reactivated the certificate destroy had revoked; the other sent nothing.
  expect(requestLines()).toEqual([`GET ${ids.rsa}`, `PATCH ${ids.rsa}`]);
  const { resources } = await project.exportState();
  expect(resources.filter((resource) => resource.type.endsWith(":ClientCertificate")).map((resource) => resource.id)).toEqual([ids.rsa]);
});
