import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator";
import { PulumiProject, type ExportedResource } from "./pulumi-project";

// renewBeforeDays through the real engine: a certificate issued (on the emulator's clock) 36 hours
// ago with a 2-day validity is inside a 1-day renewal window, so preview plans its replacement, a
// refresh keeps the window, and up renews it. Credentials: cloudflare:apiKey + cloudflare:email in
// stack config. Tests run in order and share one stack.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const HOUR_MS = 3_600_000;
const credentials = { apiKey: "e2e-global-api-key", email: "ops@example.com" };
const mutating = (emulator: Emulator) => emulator.requests().filter((request) => request.method !== "GET");

jest.setTimeout(240_000);

let emulator: Emulator;
let project: PulumiProject;

beforeAll(async () => {
  // Revocation never completes by itself: no step depends on how long the CLI takes.
  emulator = await startEmulator({ ...credentials, revocationDelayMs: Infinity });
  project = await PulumiProject.create(join(__dirname, "programs", "renewal-window"), emulator, credentials);
  await project.setConfig("zoneId", zoneId);
  await project.setConfig("commonName", "renewing.example.com");
  await project.setConfig("validityDays", "2");
  await project.setConfig("renewBeforeDays", "1");
});

afterAll(async () => {
  await project?.dispose();
  await emulator?.close();
});

async function certificateResource(): Promise<ExportedResource> {
  const resource = await project.resource("ClientCertificate");
  if (resource === undefined) throw new Error("no ClientCertificate in state");
  return resource;
}

test("up issues with the API key and email from stack config, and records the window and the real expiry", async () => {
  emulator.shiftClock(-36 * HOUR_MS);
  await project.pulumi(["up", "--yes"]);
  emulator.shiftClock(36 * HOUR_MS);
  expect(emulator.requests().map((request) => `${request.method} ${request.credential}`)).toEqual(["GET api-key", "POST api-key"]);
  const [issued] = emulator.certificates(zoneId);
  const { id, inputs, outputs } = await certificateResource();
  expect(id).toBe(issued?.id);
  expect(inputs).toMatchObject({ validityDays: 2, renewBeforeDays: 1 });
  expect(outputs).toMatchObject({
    validityDays: 2,
    renewBeforeDays: 1,
    status: "active",
    commonName: "renewing.example.com",
    expiresOn: issued?.expiresOn,
  });
  expect(Date.parse(String(outputs?.["expiresOn"])) - Date.parse(String(outputs?.["issuedOn"]))).toBe(48 * HOUR_MS);
});

test("preview plans the replacement of a certificate inside its renewal window, sending nothing", async () => {
  emulator.clearRequests();
  const preview = await project.pulumi(["preview", "--diff"]);
  expect(preview.stdout).toMatch(/\+-\s*pulumi-nodejs:dynamic\/cloudflare-mtls:ClientCertificate/);
  expect(preview.stdout).toMatch(/1 to replace/);
  expect(emulator.requests()).toEqual([]);
});

test("refresh keeps the renewal window in state, so the replacement is still planned", async () => {
  emulator.clearRequests();
  await project.pulumi(["refresh", "--yes"]);
  const { id, inputs, outputs } = await certificateResource();
  // The engine may read twice (its preview of the refresh, then the refresh): only reads, with the key.
  expect(new Set(emulator.requests().map((request) => `${request.method} ${request.path.split("/").pop()} ${request.credential}`))).toEqual(
    new Set([`GET ${id} api-key`]),
  );
  expect(inputs).toMatchObject({ renewBeforeDays: 1 });
  expect(outputs).toMatchObject({ renewBeforeDays: 1 });
  const preview = await project.pulumi(["preview", "--diff"]);
  expect(preview.stdout).toMatch(/1 to replace/);
});

test("up renews it: the new certificate is issued before the old one is revoked, and is outside the window", async () => {
  const old = await certificateResource();
  emulator.clearRequests();
  await project.pulumi(["up", "--yes"]);
  expect(mutating(emulator).map((request) => `${request.method} ${request.path.split("/").pop()}`)).toEqual([
    "POST client_certificates",
    `DELETE ${old.id}`,
  ]);
  const renewed = await certificateResource();
  expect(renewed.id).not.toBe(old.id);
  expect(emulator.certificates(zoneId).find((certificate) => certificate.id === old.id)?.status).toBe("pending_revocation");
  await project.pulumi(["preview", "--expect-no-changes"]);
});

test("a new subject replaces the certificate through the new CSR", async () => {
  const old = await certificateResource();
  await project.setConfig("commonName", "renamed.example.com");
  emulator.clearRequests();
  const preview = await project.pulumi(["preview", "--diff"]);
  expect(preview.stdout).toMatch(/\+-\s*pulumi-nodejs:dynamic\/cloudflare-mtls:ClientCertificate/);
  expect(emulator.requests()).toEqual([]);

  await project.pulumi(["up", "--yes"]);
  expect(mutating(emulator).map((request) => `${request.method} ${request.path.split("/").pop()}`)).toEqual([
    "POST client_certificates",
    `DELETE ${old.id}`,
  ]);
  const replaced = await certificateResource();
  expect(replaced.outputs).toMatchObject({ commonName: "renamed.example.com", status: "active" });
  const stored = emulator.certificates(zoneId).find((certificate) => certificate.id === replaced.id);
  expect(new X509Certificate(stored?.certificatePem ?? "").subject).toBe("O=Example\nCN=renamed.example.com");
  expect(emulator.requests().find((request) => request.method === "POST")?.body).toMatchObject({
    csr: replaced.inputs?.["csr"],
    validity_days: 2,
  });
});

test("destroy revokes with the API key", async () => {
  const { id } = await certificateResource();
  emulator.clearRequests();
  await project.pulumi(["destroy", "--yes"]);
  expect(mutating(emulator).map((request) => `${request.method} ${request.path.split("/").pop()} ${request.credential}`)).toEqual([
    `DELETE ${id} api-key`,
  ]);
});
