import { startEmulator, type Emulator } from "../../emulator";
import { csrFixture } from "../fixtures/csr-fixtures";
import { PulumiProject } from "./pulumi-project";

// Faults during a real `pulumi up`/`destroy`: nothing issued may be lost to the state, and
// failures must say what happened.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

// Each step drives the real CLI (a few seconds per command).
jest.setTimeout(180_000);

let emulator: Emulator;
let project: PulumiProject;

beforeAll(async () => {
  emulator = await startEmulator();
  project = await PulumiProject.create("existing-csr", emulator);
  await project.setConfig("zoneId", zoneId);
  await project.setConfig("csr", csrFixture("ecdsa-p384"));
});

afterAll(async () => {
  await project?.dispose();
  await emulator?.close();
});

test("a create that failed with 500 fails the update, says nothing was issued, and leaves no certificate", async () => {
  emulator.injectFault({ route: "create", kind: "status", status: 500 });
  const up = await project.pulumi(["up", "--yes"], { allowFailure: true });
  expect(up.code).not.toBe(0);
  expect(up.stdout).toMatch(/Cloudflare lists no certificate issued for this CSR since the request, so none was issued/);
  expect(emulator.certificates(zoneId)).toEqual([]);
  expect(await project.resource("ClientCertificate")).toBeUndefined();
});

test("a create whose response was lost is recorded in state, with one POST and one certificate", async () => {
  emulator.clearRequests();
  emulator.injectFault({ route: "create", kind: "ambiguous-create" });
  await project.up();
  expect(emulator.requests().filter((request) => request.method === "POST")).toHaveLength(1);
  const issued = emulator.certificates(zoneId);
  expect(issued).toHaveLength(1);
  expect((await project.resource("ClientCertificate"))?.id).toBe(issued[0]?.id);
});

test("a rate-limited replacement waits for Retry-After and completes", async () => {
  await project.setConfig("validityDays", "180");
  emulator.clearRequests();
  emulator.injectFault({ route: "create", kind: "rate-limit", retryAfterSeconds: 1 });
  await project.up();
  expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual([
    "GET 200",
    "POST 429",
    "POST 200",
    "DELETE 200",
  ]);
  expect((await project.resource("ClientCertificate"))?.outputs).toMatchObject({ validityDays: 180, status: "active" });
});

test("destroy retries a revoke that met 503 and empties the state", async () => {
  emulator.clearRequests();
  emulator.injectFault({ route: "revoke", kind: "status", status: 503 });
  await project.destroy();
  expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual(["DELETE 503", "DELETE 200"]);
  expect(await project.resource("ClientCertificate")).toBeUndefined();
});
