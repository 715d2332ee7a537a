import { join } from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { PulumiProject } from "./pulumi-project";

// HostnameAssociation through the real CLI and engine: several resources in one stack, two stacks
// on one zone at the same time, the dashboard editing the same list, refresh and repair, destroy.
// Tests run in order and share the emulator and stacks.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const program = join(__dirname, "programs", "hostname-associations");
const byoCa = "7a1b6c7d-1b2c-4d5e-8f90-a1b2c3d4e5f6";

jest.setTimeout(240_000);

let emulator: Emulator;
let first: PulumiProject;
let second: PulumiProject;

const associated = () => [...emulator.hostnameAssociations(zoneId)].sort();
const writes = () => emulator.requests().filter((request) => request.method === "PUT");
const configure = (
  project: PulumiProject,
  associations: Record<string, { hostnames: string[]; exclusive?: boolean; mtlsCertificateId?: string }>,
) => project.setConfig("associations", JSON.stringify(associations));

beforeAll(async () => {
  emulator = await startEmulator({ mtlsCertificates: [byoCa] });
  [first, second] = await Promise.all([PulumiProject.create(program, emulator), PulumiProject.create(program, emulator)]);
  for (const project of [first, second]) await project.setConfig("zoneId", zoneId);
  emulator.setHostnameAssociationsOutOfBand(zoneId, ["dashboard.example.com"]);
});

afterAll(async () => {
  await first?.dispose();
  await second?.dispose();
  await emulator?.close();
});

test("up adds the resource's hostnames beside the dashboard's with one read, one write and one read-back", async () => {
  await configure(first, { web: { hostnames: ["B.example.com", "a.example.com", "b.example.com"] } });
  emulator.clearRequests();
  await first.up();
  expect(emulator.requests().map((request) => request.method)).toEqual(["GET", "PUT", "GET"]);
  expect(associated()).toEqual(["a.example.com", "b.example.com", "dashboard.example.com"]);
  const web = await first.resource("HostnameAssociation");
  expect(web?.outputs).toMatchObject({ zoneId, hostnames: ["a.example.com", "b.example.com"], missingHostnames: [], exclusive: false });
  expect(web?.inputs?.["hostnames"]).toEqual(["a.example.com", "b.example.com"]);

  emulator.clearRequests();
  await first.up({ expectNoChanges: true });
  expect(writes()).toEqual([]);
});

test("reordering and re-casing hostnames is no change; adding and removing one is an in-place update shown in preview", async () => {
  await configure(first, { web: { hostnames: ["b.example.com", "A.example.com"] } });
  await first.preview({ expectNoChanges: true });

  await configure(first, { web: { hostnames: ["b.example.com", "c.example.com"] } });
  const preview = await first.preview({ diff: true });
  expect(preview.stdout).toMatch(/~\s+pulumi-nodejs:dynamic\/cloudflare-mtls:HostnameAssociation/);
  expect(preview.stdout).toMatch(/1 to update/);
  // No detailed diff from dynamic providers: the engine compares the sorted lists element by element,
  // and hostnameSet (the same set keyed by hostname) shows each hostname added or removed.
  expect(preview.stdout).toMatch(/~ \[0\]: "a\.example\.com" => "b\.example\.com"/);
  expect(preview.stdout).toMatch(/-\s+"?a\.example\.com"?\s*: true/);
  expect(preview.stdout).toMatch(/\+\s+"?c\.example\.com"?\s*: true/);
  console.log(
    `preview --diff of a hostnames change:\n${preview.stdout
      .split("\n")
      .filter((line) => /hostname|\[\d\]|example\.com/.test(line))
      .join("\n")}`,
  );
  emulator.clearRequests();
  const started = Date.now();
  await first.up();
  console.log(`up of one hostname change: ${Date.now() - started} ms`);
  expect(writes().map((request) => request.body)).toEqual([{ hostnames: ["dashboard.example.com", "b.example.com", "c.example.com"] }]);
  expect(associated()).toEqual(["b.example.com", "c.example.com", "dashboard.example.com"]);
});

test("resources on one zone in one stack never remove each other's hostnames, even one moved between them", async () => {
  await configure(first, {
    web: { hostnames: ["b.example.com", "c.example.com"] },
    api: { hostnames: ["x.example.com", "y.example.com"] },
    admin: { hostnames: ["admin.example.com"] },
  });
  await first.up();
  expect(associated()).toEqual([
    "admin.example.com",
    "b.example.com",
    "c.example.com",
    "dashboard.example.com",
    "x.example.com",
    "y.example.com",
  ]);
  // A change to two of them in one update, with a removal: each keeps the others'.
  await configure(first, {
    web: { hostnames: ["c.example.com", "d.example.com"] },
    api: { hostnames: ["x.example.com"] },
    admin: { hostnames: ["admin.example.com"] },
  });
  await first.up();
  expect(associated()).toEqual(["admin.example.com", "c.example.com", "d.example.com", "dashboard.example.com", "x.example.com"]);
  // A hostname moved from one resource to another in one update stays, whichever update runs last
  // (the next test moves it back).
  await configure(first, {
    web: { hostnames: ["d.example.com"] },
    api: { hostnames: ["x.example.com"] },
    admin: { hostnames: ["admin.example.com", "c.example.com"] },
  });
  await first.up();
  expect(associated()).toEqual(["admin.example.com", "c.example.com", "d.example.com", "dashboard.example.com", "x.example.com"]);
});

test("two stacks deploying on one zone at the same time never remove each other's hostnames", async () => {
  await configure(second, { other: { hostnames: ["m.example.com", "n.example.com"] }, more: { hostnames: ["o.example.com"] } });
  await configure(first, {
    web: { hostnames: ["c.example.com", "d.example.com", "e.example.com"] },
    api: { hostnames: ["x.example.com", "z.example.com"] },
    admin: { hostnames: ["admin.example.com"] },
  });
  // Slow reads widen the window between a stack's read and its write.
  emulator.injectFault({ route: "get-hostnames", kind: "latency", delayMs: 30, times: Infinity });
  await Promise.all([first.up(), second.up()]);
  emulator.clearFaults();
  expect(associated()).toEqual([
    "admin.example.com",
    "c.example.com",
    "d.example.com",
    "dashboard.example.com",
    "e.example.com",
    "m.example.com",
    "n.example.com",
    "o.example.com",
    "x.example.com",
    "z.example.com",
  ]);
  await first.preview({ expectNoChanges: true });
  await second.preview({ expectNoChanges: true });
});

test("a hostname removed out of band shows on refresh and comes back on the next up", async () => {
  emulator.setHostnameAssociationsOutOfBand(
    zoneId,
    emulator.hostnameAssociations(zoneId).filter((hostname) => hostname !== "x.example.com"),
  );
  const refresh = await first.refresh();
  expect(refresh.stdout).toMatch(/~\s+pulumi-nodejs:dynamic\/cloudflare-mtls:HostnameAssociation/);
  const api = (await first.exportState()).resources.find((resource) => resource.urn.endsWith("::api"));
  expect(api?.outputs).toMatchObject({ hostnames: ["z.example.com"], missingHostnames: ["x.example.com"] });

  const preview = await first.preview();
  expect(preview.stdout).toMatch(/1 to update/);
  emulator.clearRequests();
  await first.up();
  expect(associated()).toContain("x.example.com");
  expect(writes()).toHaveLength(1);
  await first.preview({ expectNoChanges: true });
});

test("destroy removes only the stack's own hostnames", async () => {
  await first.destroy();
  expect(associated()).toEqual(["dashboard.example.com", "m.example.com", "n.example.com", "o.example.com"]);
  await second.destroy();
  expect(associated()).toEqual(["dashboard.example.com"]);
});

test("exclusive on a BYO CA owns that CA's whole list, and leaves the managed CA's alone", async () => {
  emulator.setHostnameAssociationsOutOfBand(zoneId, ["stray.example.com", "kept.example.com"], byoCa);
  await configure(first, { byo: { hostnames: ["kept.example.com", "partner.example.com"], exclusive: true, mtlsCertificateId: byoCa } });
  emulator.clearRequests();
  await first.up();
  expect(emulator.requests().map((request) => request.query)).toEqual([{ mtls_certificate_id: byoCa }, {}, { mtls_certificate_id: byoCa }]);
  expect(writes().map((request) => request.body)).toEqual([
    { hostnames: ["kept.example.com", "partner.example.com"], mtls_certificate_id: byoCa },
  ]);
  expect(associated()).toEqual(["dashboard.example.com"]);

  emulator.setHostnameAssociationsOutOfBand(zoneId, ["kept.example.com", "partner.example.com", "intruder.example.com"], byoCa);
  await first.refresh();
  expect((await first.resource("HostnameAssociation"))?.outputs).toMatchObject({ unexpectedHostnames: ["intruder.example.com"] });
  await first.up();
  expect(emulator.hostnameAssociations(zoneId, byoCa)).toEqual(["kept.example.com", "partner.example.com"]);

  await first.destroy();
  expect(emulator.hostnameAssociations(zoneId, byoCa)).toEqual([]);
  expect(associated()).toEqual(["dashboard.example.com"]);
});
