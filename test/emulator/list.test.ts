import { callApi } from "../helpers/call-api";
import { generateCsr } from "../helpers/csr";
import { startEmulator, type ClientCertificateResource, type Emulator, type ResultInfo } from "../../emulator/index";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const otherZoneId = "b".repeat(32);
const collection = `/zones/${zoneId}/client_certificates`;

// 23 certificates in this zone, oldest first: 0-19 active, 20 pending_revocation, 21 revoked,
// 22 pending_reactivation; plus one in another zone.
let emulator: Emulator;
let ids: string[];

async function list(query: string) {
  const reply = await callApi<ClientCertificateResource[]>(emulator, { path: `${collection}${query}` });
  return { status: reply.status, envelope: reply.envelope, ids: (reply.envelope.result ?? []).map((certificate) => certificate.id) };
}

beforeAll(async () => {
  emulator = await startEmulator({ revocationDelayMs: Infinity, reactivationDelayMs: Infinity });
  const { csrPem } = await generateCsr({ commonName: "list.example.com" });
  ids = [];
  for (let index = 0; index < 23; index++) {
    const { envelope } = await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 30 } });
    ids.push(envelope.result?.id ?? "");
  }
  await callApi(emulator, { method: "POST", path: `/zones/${otherZoneId}/client_certificates`, body: { csr: csrPem, validity_days: 30 } });
  const [pendingRevocation, revoked, pendingReactivation] = ids.slice(20);
  emulator.revokeOutOfBand(pendingRevocation ?? "");
  emulator.revokeOutOfBand(revoked ?? "", { immediately: true });
  emulator.revokeOutOfBand(pendingReactivation ?? "");
  await callApi(emulator, { method: "PATCH", path: `${collection}/${pendingReactivation ?? ""}`, body: { reactivate: true } });
});
afterAll(async () => {
  await emulator.close();
});

describe("GET /zones/:zone_id/client_certificates", () => {
  test("lists this zone's certificates of every status, oldest first, 20 per page by default", async () => {
    const page = await list("");
    expect(page.status).toBe(200);
    expect(page.ids).toEqual(ids.slice(0, 20));
    expect(page.envelope.result_info).toEqual({ page: 1, per_page: 20, count: 20, total_count: 23, total_pages: 2 } satisfies ResultInfo);
    const second = await list("?page=2");
    expect(second.ids).toEqual(ids.slice(20));
    expect(second.envelope.result_info).toEqual({ page: 2, per_page: 20, count: 3, total_count: 23, total_pages: 2 });
  });

  test.each([
    { status: "all", want: () => ids.slice(0, 50) },
    { status: "active", want: () => ids.slice(0, 20) },
    { status: "pending_revocation", want: () => [ids[20]] },
    { status: "revoked", want: () => [ids[21]] },
    { status: "pending_reactivation", want: () => [ids[22]] },
  ])("filters by status=$status", async ({ status, want }) => {
    const page = await list(`?status=${status}&per_page=50`);
    expect(page.ids).toEqual(want());
    expect(page.envelope.result_info?.total_count).toBe(want().length);
  });

  test("answers a page past the end with an empty result and the real totals", async () => {
    const page = await list("?page=9&per_page=10");
    expect(page.status).toBe(200);
    expect(page.envelope.result).toEqual([]);
    expect(page.envelope.result_info).toEqual({ page: 9, per_page: 10, count: 0, total_count: 23, total_pages: 3 });
  });

  test("an empty zone has zero pages", async () => {
    const reply = await callApi<ClientCertificateResource[]>(emulator, { path: `/zones/${"c".repeat(32)}/client_certificates` });
    expect(reply.envelope).toEqual({
      success: true,
      errors: [],
      messages: [],
      result: [],
      result_info: { page: 1, per_page: 20, count: 0, total_count: 0, total_pages: 0 },
    });
  });

  test("offset skips records and limit caps them, then pages run over that window", async () => {
    expect((await list("?offset=5&limit=7&per_page=5")).ids).toEqual(ids.slice(5, 10));
    const second = await list("?offset=5&limit=7&per_page=5&page=2");
    expect(second.ids).toEqual(ids.slice(10, 12));
    expect(second.envelope.result_info).toEqual({ page: 2, per_page: 5, count: 2, total_count: 7, total_pages: 2 });
    expect((await list("?offset=21")).ids).toEqual(ids.slice(21));
    expect((await list("?limit=3&status=active")).ids).toEqual(ids.slice(0, 3));
  });

  test.each([
    { query: "?per_page=4", parameter: "per_page" },
    { query: "?per_page=51", parameter: "per_page" },
    { query: "?page=0", parameter: "page" },
    { query: "?page=two", parameter: "page" },
    { query: "?limit=0", parameter: "limit" },
    { query: "?offset=-1", parameter: "offset" },
    { query: "?status=deleted", parameter: "status" },
  ])("refuses $query with 400 and code 1409", async ({ query, parameter }) => {
    const page = await list(query);
    expect(page.status).toBe(400);
    expect(page.envelope).toMatchObject({ success: false, result: null, errors: [{ code: 1409 }] });
    expect(page.envelope.errors[0]?.message).toMatch(new RegExp(`^Invalid query parameter ${parameter}: `));
  });
});
