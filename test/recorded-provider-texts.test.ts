import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { csrFixture } from "./fixtures/csr-fixtures";
import { projectWithInstalledPackage } from "./helpers/installed-package";

// Stacks created before the providers were shared hold the providers' own code in `__provider`, and
// the engine rebuilds them from that text to refresh and delete those resources. Run with today's
// package installed, each recorded text must still do its whole job.

const runScript = join(__dirname, "serialization", "run-provider-calls.cjs");
const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

function recorded(type: "client-certificate" | "certificate-request" | "hostname-association"): string {
  return readFileSync(join(__dirname, "fixtures", "provider-texts", `${type}.b7bd6b6.js`), "utf8");
}

function call(
  cwd: string,
  text: string,
  calls: { method: string; args: unknown[] }[],
  emulator?: Emulator,
): Promise<Record<string, unknown>[]> {
  const env = emulator === undefined ? {} : { CLOUDFLARE_API_TOKEN: emulator.token, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [runScript],
      { cwd, env: { ...process.env, ...env }, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>[]);
      },
    );
    child.stdin?.end(JSON.stringify({ text, calls }));
  });
}

let project: string;
let emulator: Emulator;

beforeAll(async () => {
  project = projectWithInstalledPackage("mtls-recorded-");
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
  rmSync(project, { recursive: true, force: true });
});
beforeEach(() => emulator.reset());

test("a recorded ClientCertificate provider still checks, issues, refreshes and revokes", async () => {
  const text = recorded("client-certificate");
  const news = { zoneId, csr: csrFixture("ecdsa-p256").replace(/\n/g, "\r\n"), validityDays: 30 };
  const [checked, created, read] = await call(
    project,
    text,
    [
      { method: "check", args: [{}, news] },
      { method: "create", args: ["$0.inputs"] },
      { method: "read", args: ["$1.id", "$1.outs"] },
      { method: "delete", args: ["$1.id", "$2.props"] },
    ],
    emulator,
  );
  expect(checked).toEqual({ inputs: { ...news, csr: csrFixture("ecdsa-p256") }, failures: [] });
  expect(read).toMatchObject({ id: created?.["id"], props: { status: "active", zoneId } });
  // An old provider runs today's modules, so its create lists the zone first, like a current one.
  expect(emulator.requests().map((request) => request.route)).toEqual(["list", "create", "get", "revoke"]);
  expect(emulator.certificates(zoneId).map((certificate) => certificate.status)).toEqual(["pending_revocation"]);
});

test("a recorded CertificateRequest provider still generates a key and reads it back from state", async () => {
  const [, created, read] = await call(project, recorded("certificate-request"), [
    { method: "check", args: [{}, { subject: { commonName: "api-client.example.com" }, keyAlgorithm: "ECDSA_P256" }] },
    { method: "create", args: ["$0.inputs"] },
    { method: "read", args: ["$1.id", "$1.outs"] },
  ]);
  expect(read).toEqual({ id: created?.["id"], props: created?.["outs"] });
  expect(String((created?.["outs"] as Record<string, unknown>)["csrPem"])).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
});

test("a recorded HostnameAssociation provider still associates, refreshes and removes only its hostnames", async () => {
  emulator.setHostnameAssociationsOutOfBand(zoneId, ["dashboard.example.com"]);
  const [, , read] = await call(
    project,
    recorded("hostname-association"),
    [
      { method: "check", args: [{}, { zoneId, hostnames: ["api.example.com"] }] },
      { method: "create", args: ["$0.inputs"] },
      { method: "read", args: ["$1.id", "$1.outs"] },
      { method: "delete", args: ["$1.id", "$2.props"] },
    ],
    emulator,
  );
  expect(read).toMatchObject({
    props: { hostnames: ["api.example.com"], associatedHostnames: ["api.example.com", "dashboard.example.com"] },
  });
  expect(emulator.hostnameAssociations(zoneId)).toEqual(["dashboard.example.com"]);
});
