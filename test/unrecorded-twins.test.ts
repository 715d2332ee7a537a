import type { ServerResponse } from "node:http";
import { ClientCertificateProvider } from "../provider/client-certificate-provider";
import { CloudflareClient } from "../provider/cloudflare-client";
import { type ClientCertificateInputs } from "../provider/client-certificate-inputs";
import { CloudflareApiError, UnrecordedCertificateError } from "../provider/errors";
import type { ApiClientCertificate } from "../provider/api-types";
import { createRequestKey, newCreateLedger } from "../provider/create-ledger";
import { CLOCK_SKEW_MS, noteExistingRequest, TWIN_WINDOW_MS, unrecordedTwins } from "../provider/unrecorded-twins";
import { startEmulator, type Emulator } from "../emulator";
import { csrFixture } from "./fixtures/csr-fixtures";
import { rejection } from "./helpers/rejection";
import { sendEnvelope, withScriptedApi, type ScriptedApi } from "./helpers/scripted-api";

// A `pulumi up` killed while Cloudflare's answer to a create is in flight leaves an active
// certificate no state knows about. The next deployment's create must not issue a second one
// beside it silently, and must not mistake a legitimate twin for it.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const otherZoneId = "1".repeat(32);
const csr = csrFixture("ecdsa-p256");
const inputs: ClientCertificateInputs = { zoneId, csr, validityDays: 90 };
const HOUR_MS = 3_600_000;

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000 });
});
afterEach(async () => {
  await emulator.close();
});

/** A provider process of a new deployment, its clock `aheadMs` ahead of the emulator's. */
function deployment(aheadMs = 0): ClientCertificateProvider {
  return new ClientCertificateProvider({
    client: { connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl }, sleep: async () => undefined },
    issue: { settleDelayMs: 0, sleep: async () => undefined, now: () => Date.now() + aheadMs },
  });
}

/** A certificate issued out of this deployment's sight, as a killed `pulumi up` leaves one. */
async function issuedElsewhere(request: { zoneId?: string; csr?: string; validityDays?: number } = {}): Promise<string> {
  const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
  const certificate = await client.createClientCertificate(request.zoneId ?? zoneId, {
    csr: request.csr ?? csr,
    validityDays: request.validityDays ?? 90,
  });
  emulator.clearRequests();
  return certificate.id;
}

const lines = () =>
  emulator
    .requests()
    .map(
      (request) =>
        `${request.method} ${request.path.replace("/client/v4", "")}${request.method === "GET" ? ` ${JSON.stringify(request.query)}` : ""}`,
    );
const LISTING = `GET /zones/${zoneId}/client_certificates {"status":"active","page":"1","per_page":"50"}`;
const POST = `POST /zones/${zoneId}/client_certificates`;

describe("a create beside an unrecorded certificate for the same request", () => {
  test("fails before any POST, naming the certificate and the three ways forward", async () => {
    const orphan = await issuedElsewhere();
    const error = await rejection(deployment().create(inputs));
    expect(error).toBeInstanceOf(UnrecordedCertificateError);
    expect((error as UnrecordedCertificateError).certificateIds).toEqual([orphan]);
    expect(error.message).toContain(
      `creating client certificate in zone ${zoneId}: nothing was sent, because an active certificate for this CSR and validity is in the zone but in no state of this deployment: ${orphan} (issued `,
    );
    expect(error.message).toContain(`add \`adoptCertificateId: "${orphan}"\` to this resource and run \`pulumi up\``);
    expect(error.message).toContain(`\`npx pulumi-cloudflare-mtls revoke --zone ${zoneId} ${orphan}\``);
    expect(error.message).toContain(`add \`coexistingCertificateIds: ["${orphan}"]\` to this resource`);
    expect(error.message).toContain(`npx pulumi-cloudflare-mtls audit --zone ${zoneId} --state state.json`);
    expect(lines()).toEqual([LISTING]);
    expect(emulator.certificates(zoneId).map((certificate) => certificate.id)).toEqual([orphan]);
  });

  test("names every one when there are several", async () => {
    const first = await issuedElsewhere();
    const second = await issuedElsewhere();
    const error = await rejection(deployment().create(inputs));
    expect((error as UnrecordedCertificateError).certificateIds).toEqual([first, second]);
    expect(error.message).toContain("2 active certificates for this CSR and validity are in the zone");
    expect(error.message).toContain(`revoke --zone ${zoneId} ${first} ${second}\``);
  });

  test("issues when the program declares it coexisting, and the recovery of a lost answer never claims it", async () => {
    const coexisting = await issuedElsewhere();
    const issued = await deployment().create({ ...inputs, coexistingCertificateIds: [coexisting] });
    expect(issued.id).not.toBe(coexisting);
    expect(lines()).toEqual([LISTING, POST]);

    emulator.clearRequests();
    emulator.injectFault({ route: "create", kind: "status", status: 500 });
    const error = await rejection(deployment().create({ ...inputs, coexistingCertificateIds: [coexisting, issued.id] }));
    expect(error.message).toMatch(/Cloudflare lists no certificate issued for this CSR since the request, so none was issued/);
    expect(lines()).toEqual([LISTING, POST, LISTING, LISTING]);
  });

  test("issues when the certificate was issued before the window", async () => {
    await issuedElsewhere();
    await deployment(TWIN_WINDOW_MS + HOUR_MS).create(inputs);
    expect(lines()).toEqual([LISTING, POST]);
  });

  test.each([
    ["another validity", { validityDays: 91 }],
    ["another CSR", { csr: csrFixture("ecdsa-p384") }],
    ["another zone", { zoneId: otherZoneId }],
  ])("issues beside a certificate for %s", async (_name, other) => {
    await issuedElsewhere(other);
    await deployment().create(inputs);
    expect(lines()).toEqual([LISTING, POST]);
  });

  test("issues beside one that is pending revocation: it is on its way out", async () => {
    const leaving = await issuedElsewhere();
    emulator.revokeOutOfBand(leaving);
    await deployment().create(inputs);
    expect(lines()).toEqual([LISTING, POST]);
  });
});

describe("legitimate twins in the same deployment are never reported", () => {
  test("a renewal for the same CSR and validity: the engine diffs the old certificate first", async () => {
    const provider = deployment();
    const old = await provider.create(inputs);
    const replacing = deployment();
    // As recorded when the certificate has 10 days left and a renewal window of 30.
    const nearExpiry = { ...old.outs, renewBeforeDays: 30, expiresOn: new Date(Date.now() + 10 * 24 * HOUR_MS).toISOString() };
    const diff = await replacing.diff(old.id, nearExpiry, { ...inputs, renewBeforeDays: 30 });
    expect(diff.replaces).toEqual(["expiresOn"]);
    const renewed = await replacing.create({ ...inputs, renewBeforeDays: 30 });
    expect(renewed.id).not.toBe(old.id);
    expect(emulator.certificates(zoneId).filter((certificate) => certificate.status === "active")).toHaveLength(2);
  });

  test("an existing resource whose check ran but whose diff has not: its own certificate is explained", async () => {
    const old = await deployment().create(inputs);
    const replacing = deployment();
    const checked = await replacing.check(inputs, inputs);
    const replacement = await replacing.create(checked.inputs as ClientCertificateInputs);
    expect(replacement.id).not.toBe(old.id);
    expect(emulator.certificates(zoneId).map((certificate) => certificate.id)).toEqual([old.id, replacement.id]);
  });

  test("a new resource's check explains nothing: only an existing resource holds a certificate", async () => {
    const orphan = await issuedElsewhere();
    const fresh = deployment();
    const checked = await fresh.check({}, inputs);
    expect((await rejection(fresh.create(checked.inputs as ClientCertificateInputs))).message).toContain(
      `in no state of this deployment: ${orphan}`,
    );
  });

  test("a refreshed resource's certificate", async () => {
    const old = await deployment().create(inputs);
    const refreshing = deployment();
    await refreshing.read(old.id, old.outs);
    await refreshing.create(inputs);
    expect(emulator.certificates(zoneId)).toHaveLength(2);
  });

  test("two resources with the same request created together", async () => {
    const provider = deployment();
    const [first, second] = await Promise.all([provider.create(inputs), provider.create(inputs)]);
    expect(first.id).not.toBe(second.id);
    expect(lines().filter((line) => line === LISTING)).toHaveLength(1);
  });
});

test("lists each zone once per deployment, however many certificates it creates", async () => {
  const provider = deployment();
  await Promise.all([
    provider.create(inputs),
    provider.create({ ...inputs, validityDays: 30 }),
    provider.create({ ...inputs, csr: csrFixture("ecdsa-p384") }),
    provider.create({ ...inputs, zoneId: otherZoneId }),
  ]);
  await provider.create({ ...inputs, validityDays: 60 });
  expect(
    lines()
      .filter((line) => line.startsWith("GET"))
      .sort(),
  ).toEqual([`GET /zones/${otherZoneId}/client_certificates {"status":"active","page":"1","per_page":"50"}`, LISTING].sort());
  expect(lines().filter((line) => line.startsWith("POST"))).toHaveLength(5);
});

test("a listing that fails sends no POST and says nothing was sent", async () => {
  emulator.injectFault({ route: "list", kind: "status", status: 403 });
  const error = await rejection(deployment().create(inputs));
  expect(error.message).toMatch(
    new RegExp(
      `^creating client certificate in zone ${zoneId}: nothing was sent, because listing the zone's active certificates first \\(to find any that an interrupted update issued\\) failed: listing client certificates`,
    ),
  );
  expect(error).toMatchObject({ status: 403 });
  expect((error as CloudflareApiError).errors.length).toBeGreaterThan(0);
  expect(error.cause).toBeInstanceOf(CloudflareApiError);
  expect(lines()).toEqual([LISTING]);
});

describe("unrecordedTwins: which unrecorded certificates an existing resource of the deployment explains", () => {
  const now = Date.parse("2026-11-29T12:00:00Z");
  const key = createRequestKey(zoneId, { csr, validityDays: 90 });
  const query = { key, zoneId, csr, validityDays: 90, coexistingIds: [], now };
  const certificate = (id: string, hoursAgo: number): ApiClientCertificate =>
    ({
      id: id.repeat(32),
      csr,
      validity_days: 90,
      status: "active",
      issued_on: new Date(now - hoursAgo * HOUR_MS).toISOString(),
    }) as ApiClientCertificate;

  test("none for a new resource: a recent one is reported", () => {
    expect(unrecordedTwins([certificate("a", 1)], newCreateLedger(), query).map((twin) => twin.id)).toEqual(["a".repeat(32)]);
  });

  test("one, when the existing resource's own certificate is not recorded (--replace)", () => {
    const ledger = newCreateLedger();
    noteExistingRequest(ledger, key);
    expect(unrecordedTwins([certificate("a", 1)], ledger, query)).toEqual([]);
  });

  test("none once its certificate is recorded (it was diffed): a recent orphan is reported", () => {
    const ledger = newCreateLedger();
    noteExistingRequest(ledger, key);
    ledger.recordedIds.push("a".repeat(32));
    expect(unrecordedTwins([certificate("a", 1), certificate("b", 1)], ledger, query).map((twin) => twin.id)).toEqual(["b".repeat(32)]);
  });

  test("one only: beside an old unrecorded certificate of the resource, a recent orphan is still reported", () => {
    const ledger = newCreateLedger();
    noteExistingRequest(ledger, key);
    expect(unrecordedTwins([certificate("a", 24 * 30), certificate("b", 1)], ledger, query).map((twin) => twin.id)).toEqual([
      "b".repeat(32),
    ]);
  });

  test("the same request checked twice still explains one", () => {
    const ledger = newCreateLedger();
    noteExistingRequest(ledger, key);
    noteExistingRequest(ledger, key);
    expect(unrecordedTwins([certificate("a", 1), certificate("b", 1)], ledger, query)).toHaveLength(2);
  });

  test("keeps each request once, however often it is checked", () => {
    const ledger = newCreateLedger();
    noteExistingRequest(ledger, key);
    noteExistingRequest(ledger, key);
    expect(ledger.existingRequests).toEqual([key]);
  });

  test("reports only active certificates, whatever the listing holds", () => {
    const listed = [{ ...certificate("a", 1), status: "pending_revocation" }, certificate("b", 1)] as ApiClientCertificate[];
    expect(unrecordedTwins(listed, newCreateLedger(), query).map((twin) => twin.id)).toEqual(["b".repeat(32)]);
  });

  test("reports one whose issue time is unknown or unreadable: it cannot be ruled out", () => {
    const undated = { ...certificate("a", 1), issued_on: undefined };
    const listed = [undated, { ...certificate("b", 1), issued_on: "yesterday" }] as ApiClientCertificate[];
    expect(unrecordedTwins(listed, newCreateLedger(), query).map((twin) => twin.id)).toEqual(["a".repeat(32), "b".repeat(32)]);
  });

  test("the window is a day plus the clock skew, both ends included", () => {
    const issuedAgo = (ms: number) => ({ ...certificate("a", 0), issued_on: new Date(now - ms).toISOString() });
    const reported = (ms: number) => unrecordedTwins([issuedAgo(ms)], newCreateLedger(), query).length;
    expect(reported(TWIN_WINDOW_MS + CLOCK_SKEW_MS)).toBe(1);
    expect(reported(TWIN_WINDOW_MS + CLOCK_SKEW_MS / 2)).toBe(1);
    expect(reported(TWIN_WINDOW_MS + CLOCK_SKEW_MS + 1_000)).toBe(0);
  });

  test("another request's resource explains nothing", () => {
    const ledger = newCreateLedger();
    noteExistingRequest(ledger, createRequestKey(zoneId, { csr, validityDays: 91 }));
    expect(unrecordedTwins([certificate("a", 1)], ledger, query)).toHaveLength(1);
  });
});

describe("a hostile answer to the listing sends no POST", () => {
  const hostileProvider = (api: ScriptedApi) =>
    new ClientCertificateProvider({
      client: {
        connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl },
        retry: { maxRetries: 1 },
        sleep: async () => undefined,
      },
    });

  test.each([
    ["a result of the wrong type", (response: ServerResponse) => sendEnvelope(response, 200, { result: "nope" })],
    [
      "certificates without ids",
      (response: ServerResponse) =>
        sendEnvelope(response, 200, {
          result: [{ status: "active" }],
          result_info: { page: 1, per_page: 50, count: 1, total_count: 1, total_pages: 1 },
        }),
    ],
    [
      "an HTML 502 page",
      (response: ServerResponse) => response.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>"),
    ],
  ])("%s", async (_name, answer) => {
    await withScriptedApi(
      (_request, response) => answer(response),
      async (api) => {
        const error = await rejection(hostileProvider(api).create(inputs));
        expect(error.message).toMatch(
          new RegExp(
            `^creating client certificate in zone ${zoneId}: nothing was sent, because listing the zone's active certificates first`,
          ),
        );
        expect(api.requests.every((request) => request.method === "GET")).toBe(true);
      },
    );
  });
});
