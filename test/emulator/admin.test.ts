import { callApi } from "../helpers/call-api";
import { generateCsr } from "../helpers/csr";
import { startEmulator, type Emulator, type StoredCertificate } from "../../emulator/index";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const collection = `/zones/${zoneId}/client_certificates`;

let emulator: Emulator;
let csrPem: string;

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.adminUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), text, json: () => JSON.parse(text) as unknown };
}

async function create(): Promise<string> {
  const { envelope } = await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 30 } });
  return envelope.result?.id ?? "";
}

beforeAll(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000 });
  csrPem = (await generateCsr({ commonName: "admin.example.com" })).csrPem;
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

describe("the admin interface under /__emulator", () => {
  test("GET / lists the endpoints", async () => {
    const reply = await admin("GET", "");
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ baseUrl: emulator.baseUrl, adminUrl: emulator.adminUrl, endpoints: expect.any(Array) });
  });

  test("GET /state shows every certificate with its status, the CA and pending faults", async () => {
    const id = await create();
    emulator.injectFault({ route: "get", kind: "hang" });
    const state = (await admin("GET", "/state")).json() as {
      certificates: StoredCertificate[];
      faults: unknown[];
      certificateAuthority: unknown;
    };
    expect(state.certificates).toEqual(emulator.certificates());
    expect(state.certificates[0]).toMatchObject({ id, zoneId, status: "active", resource: { id, status: "active" } });
    expect(state.faults).toEqual([{ route: "get", kind: "hang", remaining: 1 }]);
    expect(state.certificateAuthority).toEqual(emulator.certificateAuthority);
  });

  test("GET /ca.pem serves the CA certificate", async () => {
    const reply = await admin("GET", "/ca.pem");
    expect(reply.contentType).toBe("application/x-pem-file");
    expect(reply.text.trim()).toBe(emulator.caCertificatePem);
  });

  test("GET and DELETE /requests show and clear the API request log, which admin calls stay out of", async () => {
    await callApi(emulator, { path: `${collection}?page=1` });
    const requests = (await admin("GET", "/requests")).json();
    expect(requests).toEqual([
      expect.objectContaining({ method: "GET", path: `/client/v4${collection}`, query: { page: "1" }, route: "list", status: 200 }),
    ]);
    expect((await admin("GET", "/counters")).json()).toMatchObject({ total: 1, byRoute: { list: 1 }, byStatus: { "200": 1 } });
    expect((await admin("DELETE", "/requests")).status).toBe(204);
    expect(emulator.requests()).toEqual([]);
  });

  test("POST /certificates/:id/revoke revokes out of band, at once with immediately", async () => {
    const pending = await create();
    const revoked = await create();
    expect((await admin("POST", `/certificates/${pending}/revoke`)).json()).toMatchObject({ id: pending, status: "pending_revocation" });
    expect((await admin("POST", `/certificates/${revoked}/revoke`, { immediately: true })).json()).toMatchObject({ status: "revoked" });
    expect(emulator.certificates().map((certificate) => certificate.status)).toEqual(["pending_revocation", "revoked"]);
    expect((await admin("POST", `/certificates/${revoked}/revoke`, { immediately: "yes" })).status).toBe(400);
  });

  test("DELETE /certificates/:id forgets a certificate, so the API answers 1415", async () => {
    const id = await create();
    expect((await admin("DELETE", `/certificates/${id}`)).status).toBe(204);
    expect((await callApi(emulator, { path: `${collection}/${id}` })).envelope.errors[0]?.code).toBe(1415);
    const again = await admin("DELETE", `/certificates/${id}`);
    expect(again.status).toBe(404);
    expect(again.json()).toEqual({ error: `the emulator has no certificate ${id}` });
  });

  test('POST /faults queues one fault or several, with times as "Infinity"; DELETE /faults clears them', async () => {
    expect((await admin("POST", "/faults", { route: "list", kind: "status", status: 502 })).status).toBe(201);
    await admin("POST", "/faults", [
      { route: "get", kind: "hang", times: "Infinity" },
      { route: "create", kind: "reset" },
    ]);
    expect(emulator.pendingFaults()).toEqual([
      { route: "list", kind: "status", status: 502, remaining: 1 },
      { route: "get", kind: "hang", times: Infinity, remaining: Infinity },
      { route: "create", kind: "reset", remaining: 1 },
    ]);
    expect((await admin("GET", "/faults")).json()).toContainEqual({ route: "get", kind: "hang", times: "Infinity", remaining: "Infinity" });
    expect((await callApi(emulator, { path: collection })).status).toBe(502);
    expect((await admin("DELETE", "/faults")).status).toBe(204);
    expect(emulator.pendingFaults()).toEqual([]);
  });

  test("POST /faults refuses an invalid fault with 400 and says why", async () => {
    const reply = await admin("POST", "/faults", { route: "list", kind: "explode" });
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({ error: expect.stringMatching(/^fault kind must be one of latency, status/) });
    expect((await admin("POST", "/faults", "{")).status).toBe(400);
  });

  test("POST /reset forgets certificates, requests and faults but keeps the CA and token", async () => {
    await create();
    emulator.injectFault({ route: "get", kind: "hang" });
    expect((await admin("POST", "/reset")).status).toBe(204);
    expect(emulator.certificates()).toEqual([]);
    expect(emulator.requests()).toEqual([]);
    expect(emulator.pendingFaults()).toEqual([]);
    expect((await callApi(emulator, { path: collection })).status).toBe(200);
  });

  test("an unknown admin path answers 404 pointing at the index", async () => {
    const reply = await admin("GET", "/nope");
    expect(reply.status).toBe(404);
    expect(reply.json()).toEqual({ error: "no admin endpoint GET /nope; GET /__emulator lists them" });
  });
});

describe("the request log", () => {
  test("records method, path, query, headers, parsed body, route, status and timing of API requests", async () => {
    const before = Date.now();
    await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 30 } });
    await callApi(emulator, { method: "POST", path: collection, body: "not json" });
    const [created, refused] = emulator.requests();
    expect(created).toMatchObject({
      method: "POST",
      path: `/client/v4${collection}`,
      query: {},
      body: { csr: csrPem, validity_days: 30 },
      route: "create",
      status: 200,
      fault: null,
    });
    expect(created?.headers["content-type"]).toBe("application/json");
    expect(created?.at).toBeGreaterThanOrEqual(before);
    expect(created?.durationMs).toBeGreaterThanOrEqual(0);
    expect(refused).toMatchObject({ body: "not json", status: 400 });
  });

  test("counters total requests by route and status until cleared", async () => {
    await callApi(emulator, { path: collection });
    await callApi(emulator, { path: `${collection}/${"0".repeat(32)}` });
    await callApi(emulator, { path: "/zones" });
    expect(emulator.counters()).toEqual({
      total: 3,
      byRoute: { list: 1, get: 1, create: 0, reactivate: 0, revoke: 0, "get-hostnames": 0, "replace-hostnames": 0, unknown: 1 },
      byStatus: { "200": 1, "404": 2 },
      faultsApplied: 0,
    });
    emulator.clearRequests();
    expect(emulator.counters().total).toBe(0);
  });

  test("keeps only the most recent requests when a limit is set, while counters keep counting", async () => {
    const small = await startEmulator({ requestLogLimit: 2 });
    try {
      for (const page of [1, 2, 3]) await callApi(small, { path: `${collection}?page=${page}` });
      expect(small.requests().map((request) => request.query["page"])).toEqual(["2", "3"]);
      expect(small.counters().total).toBe(3);
    } finally {
      await small.close();
    }
  });
});
