import { randomUUID } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator";
import { csrFixture } from "../fixtures/csr-fixtures";
import { isEncryptedSecret, PulumiProject } from "./pulumi-project";

// The existing-csr example: a CSR made elsewhere, passed as text in stack config, with
// credentials from stack config instead of the environment.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("rsa-2048");

// Each step drives the real CLI, mostly through the Automation API (a few seconds per command).
jest.setTimeout(180_000);

let emulator: Emulator;
let project: PulumiProject;

beforeAll(async () => {
  // A leading dash once made `pulumi config set` read the token as a flag (regression).
  // Revocation stays pending long enough to be seen after destroy, however slow the machine.
  emulator = await startEmulator({ token: `-${randomUUID()}`, revocationDelayMs: 60_000 });
  project = await PulumiProject.create("existing-csr", emulator, "stack-config");
  await project.setConfig("zoneId", zoneId);
  await project.setConfig("validityDays", "90");
});

afterAll(async () => {
  await project?.dispose();
  await emulator?.close();
});

test("a malformed CSR fails the preview naming the property, before any request", async () => {
  await project.setConfig("csr", "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n-----END CERTIFICATE REQUEST-----");
  const preview = await project.pulumi(["preview"], { allowFailure: true });
  expect(preview.code).not.toBe(0);
  expect(preview.stdout + preview.stderr).toMatch(/csr does not decode as a PKCS#10 certificate signing request/);
  expect(emulator.requests()).toEqual([]);
});

test("a validity out of range fails the preview naming the property, before any request", async () => {
  await project.setConfig("csr", csr);
  await project.setConfig("validityDays", "36500");
  const preview = await project.pulumi(["preview"], { allowFailure: true });
  expect(preview.code).not.toBe(0);
  expect(preview.stdout + preview.stderr).toMatch(/validityDays must be between 1 and 5475 days \(15 years\), got 36500/);
  expect(emulator.requests()).toEqual([]);
});

test("up with credentials from stack config issues the certificate and never shows the token", async () => {
  await project.setConfig("validityDays", "90");
  const up = await project.up();
  expect(emulator.requests().map((request) => request.method)).toEqual(["GET", "POST"]);
  expect(emulator.requests()[0]?.credential).toBe("token");
  const { text, resources } = await project.exportState();
  const certificate = resources.find((resource) => resource.type.endsWith(":ClientCertificate"));
  expect(certificate?.outputs).toMatchObject({
    status: "active",
    commonName: "rsa2048.example.com",
    organization: "Example Inc",
    country: "US",
  });
  expect(isEncryptedSecret(certificate?.outputs?.["certificate"])).toBe(true);
  for (const output of [text, up.stdout, up.stderr]) expect(output).not.toContain(emulator.token);
});

test.each([
  { name: "CRLF line endings", variant: csr.replace(/\n/g, "\r\n") },
  { name: "no trailing newline", variant: csr.trimEnd() },
  { name: "two trailing newlines", variant: `${csr}\n` },
  { name: "literal \\n escapes", variant: csr.trim().replace(/\n/g, "\\n") },
])("the same CSR with $name previews no changes", async ({ variant }) => {
  await project.setConfig("csr", variant);
  emulator.clearRequests();
  await project.preview({ expectNoChanges: true });
  expect(emulator.requests()).toEqual([]);
});

test("another CSR previews as a replacement", async () => {
  await project.setConfig("csr", csrFixture("ecdsa-p384"));
  const preview = await project.preview({ diff: true });
  expect(preview.stdout).toMatch(/1 to replace/);
  await project.setConfig("csr", csr);
});

test("ClientCertificate.get reads an existing certificate without managing it", async () => {
  const managed = await project.resource("ClientCertificate");
  await project.setConfig("existingCertificateId", managed?.id ?? "");
  emulator.clearRequests();
  await project.up();
  // Reads only (the engine reads once for the preview and once for the update).
  expect(new Set(emulator.requests().map((request) => `${request.method} ${request.path.split("/").pop()}`))).toEqual(
    new Set([`GET ${managed?.id}`]),
  );
  const { resources } = await project.exportState();
  const read = resources.find((resource) => resource.urn.endsWith("::existing"));
  expect(read).toMatchObject({ id: managed?.id, external: true });
  expect(read?.outputs).toMatchObject({ status: "active", validityDays: 90, zoneId });
  expect(isEncryptedSecret(read?.outputs?.["certificate"])).toBe(true);
  const outputs = await project.outputs();
  expect(outputs["existingStatus"]).toBe("active");
  await project.removeConfig("existingCertificateId");
});

test("destroy revokes and empties the state", async () => {
  emulator.clearRequests();
  await project.destroy();
  expect(emulator.requests().map((request) => request.method)).toEqual(["DELETE"]);
  expect(emulator.certificates(zoneId)[0]?.status).toBe("pending_revocation");
});
