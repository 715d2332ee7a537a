import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { startEmulator, type Emulator } from "../emulator";
import { withRawServer } from "./helpers/raw-server";
import { AuthenticationError, CloudflareApiError, NotFoundError, RateLimitedError, UncertainOutcomeError } from "../provider/errors";
import { CloudflareClient } from "../provider/cloudflare-client";
import { listClientCertificates } from "../provider/list-client-certificates";
import { csrFixture } from "./fixtures/csr-fixtures";
import { withEnvironment } from "./helpers/environment";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const missingId = "0".repeat(32);

let emulator: Emulator;
let sleeps: number[];

beforeEach(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000 });
  sleeps = [];
});
afterEach(async () => {
  await emulator.close();
});

function client(overrides: Partial<ConstructorParameters<typeof CloudflareClient>[0]> = {}): CloudflareClient {
  return new CloudflareClient({
    connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

const calls = () =>
  emulator
    .requests()
    .map(
      (request) =>
        `${request.method} ${request.path}${request.query && Object.keys(request.query).length > 0 ? `?${new URLSearchParams(request.query as Record<string, string>).toString()}` : ""} ${request.status}`,
    );

describe("CloudflareClient against the emulator", () => {
  test("creates with one POST carrying the CSR and validity, authenticated with the bearer token", async () => {
    const created = await client().createClientCertificate(zoneId, { csr, validityDays: 30 });
    const [post, ...rest] = emulator.requests();
    expect(rest).toEqual([]);
    expect(post).toMatchObject({
      method: "POST",
      path: `/client/v4/zones/${zoneId}/client_certificates`,
      body: { csr, validity_days: 30 },
      status: 200,
    });
    expect(post?.credential).toBe("token");
    expect(post?.headers["content-type"]).toMatch(/^application\/json/);
    expect(created).toMatchObject({ status: "active", validity_days: 30 });
    expect(created.id).toMatch(/^[0-9a-f]{32}$/);
  });

  test("authenticates with a global API key and email", async () => {
    await emulator.close();
    emulator = await startEmulator({ apiKey: "global-key", email: "ops@example.com" });
    const keyClient = new CloudflareClient({
      connection: { credentials: { apiKey: "global-key", email: "ops@example.com" }, baseUrl: emulator.baseUrl },
    });
    await keyClient.listClientCertificatesPage(zoneId);
    expect(emulator.requests()[0]?.credential).toBe("api-key");
  });

  test("gets, reactivates and revokes by id", async () => {
    const api = client();
    const { id } = await api.createClientCertificate(zoneId, { csr, validityDays: 30 });
    expect((await api.getClientCertificate(zoneId, id)).id).toBe(id);
    expect((await api.revokeClientCertificate(zoneId, id))?.status).toBe("pending_revocation");
    expect((await api.reactivateClientCertificate(zoneId, id)).status).toMatch(/^(pending_reactivation|active)$/);
    expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual([
      "POST 200",
      "GET 200",
      "DELETE 200",
      "PATCH 200",
    ]);
    expect(emulator.requests()[3]?.body).toEqual({ reactivate: true });
  });

  test("lists every page and stops on result_info without an extra empty-page request", async () => {
    const api = client();
    for (let index = 0; index < 101; index++) await api.createClientCertificate(zoneId, { csr, validityDays: 30 });
    emulator.clearRequests();
    const all = await api.listClientCertificates(zoneId, { status: "active" });
    expect(all).toHaveLength(101);
    expect(new Set(all.map((certificate) => certificate.id)).size).toBe(101);
    expect(calls()).toEqual(
      [1, 2, 3].map((page) => `GET /client/v4/zones/${zoneId}/client_certificates?status=active&page=${page}&per_page=50 200`),
    );
  });

  test("maps an unknown certificate to NotFoundError with Cloudflare's code 1415", async () => {
    const error = await client()
      .getClientCertificate(zoneId, missingId)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).codes).toContain(1415);
    expect((error as NotFoundError).message).toMatch(
      new RegExp(`^reading client certificate ${missingId} in zone ${zoneId}: Cloudflare error 1415`),
    );
  });

  test("does not mistake a 404 for an unknown path (a wrong base URL) for a missing certificate", async () => {
    const wrongBase = emulator.baseUrl.replace(/\/client\/v4$/, "/client/v3");
    const error = await client({ connection: { credentials: { apiToken: emulator.token }, baseUrl: wrongBase } })
      .getClientCertificate(zoneId, missingId)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect((error as CloudflareApiError).status).toBe(404);
    expect((error as CloudflareApiError).codes).toEqual([7003]);
  });

  test("maps a rejected token to AuthenticationError that names the fix and never the token", async () => {
    const secret = "wrong-token-that-must-not-leak";
    const error = await client({ connection: { credentials: { apiToken: secret }, baseUrl: emulator.baseUrl } })
      .listClientCertificatesPage(zoneId)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toMatch(/CLOUDFLARE_API_TOKEN \(or cloudflare:apiToken\)/);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(secret);
    expect(inspect(client({ connection: { credentials: { apiToken: secret }, baseUrl: emulator.baseUrl } }), { depth: 10 })).not.toContain(
      secret,
    );
  });

  test("retries a GET after 503 and a dropped connection, with backoff", async () => {
    const api = client();
    const { id } = await api.createClientCertificate(zoneId, { csr, validityDays: 30 });
    emulator.injectFault({ route: "get", kind: "status", status: 503 });
    emulator.injectFault({ route: "get", kind: "reset" });
    expect((await api.getClientCertificate(zoneId, id)).id).toBe(id);
    expect(emulator.requests().filter((request) => request.method === "GET")).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
    expect(sleeps[1]).toBeGreaterThanOrEqual(500);
    expect(sleeps[1]).toBeLessThanOrEqual(1000);
  });

  test("retries a GET whose answer is not JSON", async () => {
    emulator.injectFault({ route: "list", kind: "malformed" });
    await client().listClientCertificatesPage(zoneId);
    expect(emulator.requests()).toHaveLength(2);
  });

  test("waits as long as a 429's Retry-After asks, then succeeds", async () => {
    emulator.injectFault({ route: "list", kind: "rate-limit", retryAfterSeconds: 300 });
    await client().listClientCertificatesPage(zoneId);
    expect(sleeps).toEqual([300_000]);
  });

  test("gives up with RateLimitedError when Retry-After exceeds the retry budget", async () => {
    emulator.injectFault({ route: "list", kind: "rate-limit", retryAfterSeconds: 300 });
    const error = await client({ retry: { maxTotalWaitMs: 60_000 } })
      .listClientCertificatesPage(zoneId)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(300);
    expect((error as RateLimitedError).message).toMatch(/Cloudflare asked to wait 300 s, which would exceed the retry budget of 60 s/);
    expect(sleeps).toEqual([]);
  });

  test("retries a POST refused with 429, because a rate-limited request was not processed", async () => {
    emulator.injectFault({ route: "create", kind: "rate-limit", retryAfterSeconds: 1 });
    await client().createClientCertificate(zoneId, { csr, validityDays: 30 });
    expect(emulator.requests().map((request) => request.status)).toEqual([429, 200]);
    expect(emulator.certificates(zoneId)).toHaveLength(1);
  });

  test("never repeats a POST that failed with 500: the outcome is uncertain", async () => {
    emulator.injectFault({ route: "create", kind: "status", status: 500 });
    const error = await client()
      .createClientCertificate(zoneId, { csr, validityDays: 30 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UncertainOutcomeError);
    expect(emulator.requests().filter((request) => request.method === "POST")).toHaveLength(1);
  });

  test("times out a request that hangs, and reports it without retrying a POST", async () => {
    emulator.injectFault({ route: "create", kind: "hang" });
    const error = await client({ timeoutMs: 200 })
      .createClientCertificate(zoneId, { csr, validityDays: 30 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UncertainOutcomeError);
    expect((error as Error).message).toMatch(
      /^creating client certificate in zone 023e105f4ecef8ad9ca31a8372d0c353: no response from Cloudflare: .*ETIMEDOUT/,
    );
  });

  test("reports a refused connection as an API error with no HTTP status", async () => {
    const baseUrl = emulator.baseUrl;
    await emulator.close();
    emulator = await startEmulator();
    const error = await client({ connection: { credentials: { apiToken: "t" }, baseUrl }, retry: { maxRetries: 1 } })
      .getClientCertificate(zoneId, missingId)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect((error as CloudflareApiError).status).toBeUndefined();
    expect((error as Error).message).toMatch(/no response from Cloudflare: .*ECONNREFUSED.*gave up after 2 attempts/);
  });
});

describe("listClientCertificates", () => {
  test("lists a zone with credentials from the environment, filtered by status, with camelCase fields", async () => {
    const api = client();
    const kept = await api.createClientCertificate(zoneId, { csr, validityDays: 30 });
    const revoked = await api.createClientCertificate(zoneId, { csr, validityDays: 30 });
    await api.revokeClientCertificate(zoneId, revoked.id);
    emulator.clearRequests();
    await withEnvironment({ CLOUDFLARE_API_TOKEN: emulator.token, CLOUDFLARE_BASE_URL: emulator.baseUrl }, async () => {
      const active = await listClientCertificates({ zoneId, status: "active" });
      expect(active.map((certificate) => [certificate.id, certificate.status, certificate.zoneId, certificate.commonName])).toEqual([
        [kept.id, "active", zoneId, "p256.example.com"],
      ]);
      expect(calls()).toEqual([`GET /client/v4/zones/${zoneId}/client_certificates?status=active&page=1&per_page=50 200`]);
    });
  });

  test("refuses a malformed zone id before any request", async () => {
    await expect(listClientCertificates({ zoneId: "example.com" })).rejects.toThrow(
      "listClientCertificates: zoneId must be 32 lowercase hex characters",
    );
    expect(emulator.requests()).toEqual([]);
  });
});

test("accepts a revoke that Cloudflare confirms without the certificate (result: null)", async () => {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    bodies.push(`${request.method} ${request.url}`);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ success: true, errors: [], messages: [], result: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const api = new CloudflareClient({ connection: { credentials: { apiToken: "t" }, baseUrl: `http://127.0.0.1:${port}/client/v4` } });
    await expect(api.revokeClientCertificate(zoneId, missingId)).resolves.toBeUndefined();
    expect(bodies).toEqual([`DELETE /client/v4/zones/${zoneId}/client_certificates/${missingId}`]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("revoke also returns undefined when the success answer has no result at all", async () => {
  await withRawServer(
    (_request, response) =>
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ success: true, errors: [], messages: [] })),
    async (server) => {
      await expect(server.client().revokeClientCertificate(zoneId, missingId)).resolves.toBeUndefined();
      expect(server.requests).toEqual([`DELETE /client/v4/zones/${zoneId}/client_certificates/${missingId}`]);
    },
  );
});
