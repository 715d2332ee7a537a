import { createPrivateKey, X509Certificate } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator";
import { isEncryptedSecret, PulumiProject, type ExportedResource } from "./pulumi-project";

// The whole lifecycle of the basic example (CertificateRequest + ClientCertificate) through the
// real CLI and engine, against the emulator. Tests run in order and share one stack.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const mutating = (emulator: Emulator) => emulator.requests().filter((request) => request.method !== "GET");

// Each step drives the real CLI through the Automation API (a few seconds per command); refresh --diff,
// which the Automation API does not offer, runs the CLI itself.
jest.setTimeout(180_000);

let emulator: Emulator;
let project: PulumiProject;

beforeAll(async () => {
  // Revocation never completes by itself: no step depends on how long the CLI commands take.
  emulator = await startEmulator({ revocationDelayMs: Infinity });
  project = await PulumiProject.create("basic", emulator);
  await project.setConfig("zoneId", zoneId);
  await project.setConfig("validityDays", "365");
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

test("preview plans one key, one certificate and sends nothing to Cloudflare", async () => {
  const { stdout } = await project.preview({ diff: true });
  expect(stdout).toMatch(/\+ pulumi-nodejs:dynamic\/cloudflare-mtls:CertificateRequest/);
  expect(stdout).toMatch(/\+ pulumi-nodejs:dynamic\/cloudflare-mtls:ClientCertificate/);
  expect(stdout).toMatch(/3 to create/);
  expect(emulator.requests()).toEqual([]);
});

test("up issues the certificate with one POST, keeps PEM and private key secret, and leaks no token", async () => {
  const up = await project.up();
  // The listing looks for a certificate an interrupted up left for the same request.
  expect(emulator.requests().map((request) => `${request.method} ${request.query["status"] ?? ""}`)).toEqual(["GET active", "POST "]);
  const [issued] = emulator.certificates(zoneId);
  expect(issued?.status).toBe("active");

  const { text, resources } = await project.exportState();
  const certificate = resources.find((resource) => resource.type.endsWith(":ClientCertificate"));
  const request = resources.find((resource) => resource.type.endsWith(":CertificateRequest"));
  expect(certificate?.id).toBe(issued?.id);
  expect(certificate?.outputs).toMatchObject({ zoneId, validityDays: 365, status: "active", commonName: "api-client.example.com" });
  expect(isEncryptedSecret(certificate?.outputs?.["certificate"])).toBe(true);
  expect(isEncryptedSecret(request?.outputs?.["privateKeyPem"])).toBe(true);
  expect(text).not.toContain("BEGIN CERTIFICATE-----");
  expect(text).not.toContain("PRIVATE KEY");
  for (const output of [text, up.stdout, up.stderr]) expect(output).not.toContain(emulator.token);

  // The declaration's stack stays whole in the state although the constructor registers with
  // Error.stackTraceLimit at 0: the program's own line is among its frames.
  expect(certificate?.stackTrace?.map((frame) => frame.sourcePosition)).toContainEqual(
    expect.stringMatching(/^project:\/\/\/index\.ts#\d+,\d+$/),
  );

  const provider = certificate?.outputs?.["__provider"];
  expect(typeof provider).toBe("string");
  expect(provider).toMatch(/require\("pulumi-cloudflare-mtls\/dist\/provider\//);
  // A reference to the package's shared provider, not its code: the state stays small per resource.
  expect(Buffer.byteLength(String(provider))).toBeLessThanOrEqual(2048);
  expect(Buffer.byteLength(String(request?.outputs?.["__provider"]))).toBeLessThanOrEqual(2048);
  console.log(
    `__provider in state: ClientCertificate ${Buffer.byteLength(String(provider))} bytes, CertificateRequest ${Buffer.byteLength(String(request?.outputs?.["__provider"]))} bytes`,
  );

  const stackOutputs = (await project.outputs()) as Record<string, string>;
  const pem = new X509Certificate(stackOutputs["certificatePem"] ?? "");
  const stack = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  expect(isEncryptedSecret(stack?.outputs?.["bundlePem"])).toBe(true);
  expect(new X509Certificate(stackOutputs["bundlePem"] ?? "").checkPrivateKey(createPrivateKey(stackOutputs["bundlePem"] ?? ""))).toBe(
    true,
  );
  expect(pem.checkIssued(new X509Certificate(emulator.caCertificatePem))).toBe(true);
  expect(pem.serialNumber.toLowerCase()).toBe(String(stackOutputs["serialNumber"]).toLowerCase().replace(/^0+/, ""));
});

test("a second up changes nothing and sends no mutating request", async () => {
  emulator.clearRequests();
  await project.preview({ expectNoChanges: true });
  const up = await project.up({ expectNoChanges: true });
  expect(up.stdout).toMatch(/3 unchanged/);
  expect(mutating(emulator)).toEqual([]);
});

test("a new validity previews as a replacement and issues the new certificate before revoking the old", async () => {
  const old = await certificateResource();
  await project.setConfig("validityDays", "730");
  emulator.clearRequests();
  const preview = await project.preview({ diff: true });
  expect(preview.stdout).toMatch(/\+-\s*pulumi-nodejs:dynamic\/cloudflare-mtls:ClientCertificate/);
  expect(preview.stdout).toMatch(/1 to replace/);
  expect(emulator.requests()).toEqual([]);

  await project.up();
  expect(mutating(emulator).map((request) => `${request.method} ${request.path.split("/").pop()}`)).toEqual([
    "POST client_certificates",
    `DELETE ${old.id}`,
  ]);
  const replaced = await certificateResource();
  expect(replaced.id).not.toBe(old.id);
  expect(replaced.outputs).toMatchObject({ validityDays: 730, status: "active" });
  expect(emulator.certificates(zoneId).find((certificate) => certificate.id === old.id)?.status).toBe("pending_revocation");
});

test("refresh records an out-of-band revocation, and up reactivates a certificate still pending revocation", async () => {
  const { id } = await certificateResource();
  emulator.revokeOutOfBand(id ?? "");
  const refresh = await project.pulumi(["refresh", "--yes", "--diff"]);
  expect(refresh.stdout).toMatch(/status.*"active" => "pending_revocation"/);
  const { resources } = await project.exportState();
  expect(resources.find((resource) => resource.type.endsWith(":ClientCertificate"))?.outputs?.["status"]).toBe("pending_revocation");
  // The provider host does not accept secrets, so this relies on the engine carrying the mark over.
  expect(isEncryptedSecret(resources.find((resource) => resource.type.endsWith(":CertificateRequest"))?.outputs?.["privateKeyPem"])).toBe(
    true,
  );
  expect(isEncryptedSecret(resources.find((resource) => resource.type.endsWith(":ClientCertificate"))?.outputs?.["certificate"])).toBe(
    true,
  );

  emulator.clearRequests();
  const preview = await project.preview();
  expect(preview.stdout).toMatch(/1 to update/);
  await project.up();
  expect(mutating(emulator).map((request) => request.method)).toEqual(["PATCH"]);
  expect((await certificateResource()).id).toBe(id);
  expect(emulator.certificates(zoneId).find((certificate) => certificate.id === id)?.status).toMatch(/^(pending_reactivation|active)$/);
});

test("refresh records a finished revocation, and up replaces the revoked certificate", async () => {
  const { id } = await certificateResource();
  emulator.revokeOutOfBand(id ?? "", { immediately: true });
  await project.refresh();
  expect((await certificateResource()).outputs?.["status"]).toBe("revoked");

  emulator.clearRequests();
  await project.up();
  const replacement = await certificateResource();
  expect(replacement.id).not.toBe(id);
  expect(replacement.outputs?.["status"]).toBe("active");
  expect(mutating(emulator).map((request) => `${request.method} ${request.status}`)).toEqual(["POST 200", "DELETE 400"]);
});

test("refresh drops a certificate deleted out of band, and the next up issues a new one", async () => {
  const { id } = await certificateResource();
  emulator.deleteOutOfBand(id ?? "");
  await project.refresh();
  expect(await project.resource("ClientCertificate")).toBeUndefined();
  emulator.clearRequests();
  await project.up();
  expect(mutating(emulator).map((request) => request.method)).toEqual(["POST"]);
});

test("destroy revokes the certificate and leaves the state empty", async () => {
  const { id } = await certificateResource();
  emulator.clearRequests();
  await project.destroy();
  expect(mutating(emulator).map((request) => `${request.method} ${request.path.split("/").pop()}`)).toEqual([`DELETE ${id}`]);
  expect(emulator.certificates(zoneId).find((certificate) => certificate.id === id)?.status).toBe("pending_revocation");
  const { resources } = await project.exportState();
  expect(resources.filter((resource) => !resource.type.startsWith("pulumi:"))).toEqual([]);
});
