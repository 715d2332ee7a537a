import { callApi } from "../helpers/call-api";
import { startEmulator, type Emulator } from "../../emulator/index";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const otherZone = "0123456789abcdef0123456789abcdef";
const byoCa = "7a1b6c7d-1b2c-4d5e-8f90-a1b2c3d4e5f6";
const byoCaHex = "99999999999999999999999999999999";
const path = `/zones/${zoneId}/certificate_authorities/hostname_associations`;

type Hostnames = { hostnames: string[] };

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ mtlsCertificates: [byoCa, byoCaHex] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

const get = (query = "") => callApi<Hostnames>(emulator, { path: `${path}${query}` });
const put = (body: unknown) => callApi<Hostnames>(emulator, { method: "PUT", path, body });

describe("hostname associations", () => {
  test("start empty, and a PUT replaces the whole list of the managed CA", async () => {
    expect((await get()).envelope).toEqual({ success: true, errors: [], messages: [], result: { hostnames: [] } });
    expect((await put({ hostnames: ["a.example.com", "b.example.com"] })).envelope.result).toEqual({
      hostnames: ["a.example.com", "b.example.com"],
    });
    expect((await put({ hostnames: ["c.example.com"] })).envelope.result).toEqual({ hostnames: ["c.example.com"] });
    expect((await get()).envelope.result).toEqual({ hostnames: ["c.example.com"] });
    expect((await put({ hostnames: [] })).envelope.result).toEqual({ hostnames: [] });
    expect(emulator.hostnameAssociations(zoneId)).toEqual([]);
  });

  test("keeps one list per CA and per zone", async () => {
    await put({ hostnames: ["managed.example.com"] });
    await put({ hostnames: ["byo.example.com"], mtls_certificate_id: byoCa });
    await put({ hostnames: ["hex.example.com"], mtls_certificate_id: byoCaHex });
    expect((await get()).envelope.result).toEqual({ hostnames: ["managed.example.com"] });
    expect((await get(`?mtls_certificate_id=${byoCa}`)).envelope.result).toEqual({ hostnames: ["byo.example.com"] });
    expect((await get(`?mtls_certificate_id=${byoCaHex}`)).envelope.result).toEqual({ hostnames: ["hex.example.com"] });
    expect((await callApi<Hostnames>(emulator, { path: path.replace(zoneId, otherZone) })).envelope.result).toEqual({ hostnames: [] });
  });

  test("keeps a duplicate once, in the order given", async () => {
    expect((await put({ hostnames: ["b.example.com", "a.example.com", "b.example.com"] })).envelope.result).toEqual({
      hostnames: ["b.example.com", "a.example.com"],
    });
  });

  test("treats an absent hostnames field as an empty list", async () => {
    await put({ hostnames: ["a.example.com"] });
    expect((await put({})).envelope.result).toEqual({ hostnames: [] });
  });

  test.each([
    { name: "an unknown BYO CA", query: "?mtls_certificate_id=11111111111111111111111111111111", status: 404, code: 1422 },
    { name: "a malformed BYO CA id", query: "?mtls_certificate_id=..%2F..", status: 400, code: 1421 },
    { name: "an empty BYO CA id", query: "?mtls_certificate_id=", status: 400, code: 1421 },
  ])("GET with $name answers $status / $code", async ({ query, status, code }) => {
    const reply = await get(query);
    expect(reply.status).toBe(status);
    expect(reply.envelope).toMatchObject({ success: false, errors: [{ code }], result: null });
  });

  test.each([
    { name: "hostnames that is not an array", body: { hostnames: "a.example.com" }, status: 400, code: 1420 },
    { name: "a hostname that is not a string", body: { hostnames: [42] }, status: 400, code: 1420 },
    { name: "a bare label (the API does not append the zone)", body: { hostnames: ["api"] }, status: 400, code: 1420 },
    { name: "a hostname with a space", body: { hostnames: ["a b.example.com"] }, status: 400, code: 1420 },
    { name: "a hostname with a quote", body: { hostnames: ['a".example.com'] }, status: 400, code: 1420 },
    { name: "a label over 63 characters", body: { hostnames: [`${"a".repeat(64)}.example.com`] }, status: 400, code: 1420 },
    {
      name: "an unknown BYO CA",
      body: { hostnames: [], mtls_certificate_id: "11111111111111111111111111111111" },
      status: 404,
      code: 1422,
    },
    { name: "a BYO CA id that is not a string", body: { hostnames: [], mtls_certificate_id: 7 }, status: 400, code: 1421 },
    { name: "a body that is not an object", body: "[]", status: 400, code: 1400 },
  ])("PUT with $name answers $status / $code and changes nothing", async ({ body, status, code }) => {
    await put({ hostnames: ["kept.example.com"] });
    const reply = await put(body);
    expect(reply.status).toBe(status);
    expect(reply.envelope).toMatchObject({ success: false, errors: [{ code }], result: null });
    expect(emulator.hostnameAssociations(zoneId)).toEqual(["kept.example.com"]);
  });

  test("refuses a malformed zone id and other methods", async () => {
    const bad = await callApi(emulator, { path: "/zones/NOT-A-ZONE/certificate_authorities/hostname_associations" });
    expect(bad.status).toBe(400);
    expect(bad.envelope).toMatchObject({ errors: [{ code: 7003 }] });
    const post = await callApi(emulator, { method: "POST", path, body: { hostnames: [] } });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, PUT");
  });

  test("an out-of-band edit is what the API reads next; faults and counters know the routes", async () => {
    emulator.setHostnameAssociationsOutOfBand(zoneId, ["dashboard.example.com"]);
    expect((await get()).envelope.result).toEqual({ hostnames: ["dashboard.example.com"] });
    emulator.injectFault({ route: "replace-hostnames", kind: "status", status: 503 });
    expect((await put({ hostnames: [] })).status).toBe(503);
    expect(emulator.hostnameAssociations(zoneId)).toEqual(["dashboard.example.com"]);
    expect(emulator.counters().byRoute).toMatchObject({ "get-hostnames": 1, "replace-hostnames": 1 });
  });
});
