import type { ServerResponse } from "node:http";
import { inspect } from "node:util";
import { ClientCertificateProvider } from "../provider/client-certificate-provider";
import { CloudflareApiError, ConfigurationError, ContractViolationError, IssuedWithErrorsError } from "../provider/errors";
import { CloudflareClient } from "../provider/cloudflare-client";
import { type ApiClientCertificate } from "../provider/api-types";
import { type ClientCertificateInputs } from "../provider/client-certificate-inputs";
import { type ClientCertificateOutputs } from "../provider/client-certificate-outputs";
import { startEmulator } from "../emulator";
import { csrFixture } from "./fixtures/csr-fixtures";
import { afterEmptyZoneListing, preCheckLine, sendEnvelope, withScriptedApi, type ScriptedApi } from "./helpers/scripted-api";
import { rejection } from "./helpers/rejection";
import { stackConfig, withEnvironment } from "./helpers/environment";

// Each test replays real certificates (issued by the emulator for `csr`) from a raw server that
// misbehaves in one way, and asserts the exact requests sent and what the provider records.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const inputs: ClientCertificateInputs = { zoneId, csr, validityDays: 90 };
const zonePath = `/client/v4/zones/${zoneId}/client_certificates`;
const PRE_CHECK = preCheckLine(zoneId);

let issued: ApiClientCertificate[];

beforeAll(async () => {
  const emulator = await startEmulator({ rateLimit: false });
  try {
    const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
    issued = [];
    for (let index = 0; index < 3; index++) issued.push(await client.createClientCertificate(zoneId, { csr, validityDays: 90 }));
  } finally {
    await emulator.close();
  }
});

const certificate = (index: number): ApiClientCertificate => {
  const found = issued[index];
  if (found === undefined) throw new Error(`no issued certificate ${index}`);
  return { ...found, issued_on: new Date().toISOString() };
};

function providerFor(api: ScriptedApi, issue: { settleDelayMs?: number } = {}): ClientCertificateProvider {
  return new ClientCertificateProvider({
    client: {
      connection: { credentials: { apiToken: "test-token" }, baseUrl: api.baseUrl },
      retry: { maxRetries: 1 },
      sleep: async () => undefined,
    },
    issue: { settleDelayMs: 0, sleep: async () => undefined, ...issue },
  });
}

describe("requests never leave with a hostile id (regression: DELETE .../client_certificates/.. reached the delete-zone route)", () => {
  const hostileIds = ["..", ".", "../..", "%2e%2e", "a/b", "", "0".repeat(31), "A".repeat(32), `${"0".repeat(32)}/..`];

  test.each(hostileIds)("the client refuses certificate id %j in get, reactivate and revoke before sending anything", async (id) => {
    await withScriptedApi(
      (_request, response) => sendEnvelope(response, 200, {}),
      async (api) => {
        const client = new CloudflareClient({ connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl } });
        for (const call of [
          () => client.getClientCertificate(zoneId, id),
          () => client.reactivateClientCertificate(zoneId, id),
          () => client.revokeClientCertificate(zoneId, id),
        ]) {
          const error = await rejection(call());
          expect(error).toBeInstanceOf(TypeError);
          expect(error.message).toMatch(/: the certificate id must .*; nothing was sent to Cloudflare$/);
        }
        expect(api.requests).toEqual([]);
      },
    );
  });

  test.each(hostileIds)("the client refuses zone id %j in every operation before sending anything", async (badZone) => {
    await withScriptedApi(
      (_request, response) => sendEnvelope(response, 200, {}),
      async (api) => {
        const client = new CloudflareClient({ connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl } });
        const id = certificate(0).id;
        const calls = [
          () => client.listClientCertificatesPage(badZone),
          () => client.listClientCertificates(badZone),
          () => client.createClientCertificate(badZone, { csr, validityDays: 90 }),
          () => client.getClientCertificate(badZone, id),
          () => client.reactivateClientCertificate(badZone, id),
          () => client.revokeClientCertificate(badZone, id),
        ];
        for (const call of calls)
          expect((await rejection(call())).message).toMatch(/: the zone id must .*; nothing was sent to Cloudflare$/);
        expect(api.requests).toEqual([]);
      },
    );
  });

  test.each(["..", "."])("the provider's read, update and delete refuse the recorded id %j without a request", async (id) => {
    await withScriptedApi(
      (_request, response) => sendEnvelope(response, 200, {}),
      async (api) => {
        const provider = providerFor(api);
        const olds = { zoneId, csr, validityDays: 90, status: "pending_revocation" };
        await expect(provider.read(id, olds)).rejects.toThrow(/certificate id must be 32 lowercase hex characters/);
        await expect(provider.update(id, olds, inputs)).rejects.toThrow(/certificate id must be 32 lowercase hex characters/);
        await expect(provider.delete(id, olds)).rejects.toThrow(/certificate id must be 32 lowercase hex characters/);
        expect(api.requests).toEqual([]);
      },
    );
  });

  test("every operation sends exactly the documented method, path and body", async () => {
    const id = certificate(0).id;
    await withScriptedApi(
      (request, response) => {
        if (request.method === "GET" && request.url.includes("?"))
          return sendEnvelope(response, 200, {
            result: [certificate(0)],
            result_info: { page: 1, per_page: 50, count: 1, total_count: 1, total_pages: 1 },
          });
        return sendEnvelope(response, 200, { result: certificate(0) });
      },
      async (api) => {
        const client = new CloudflareClient({ connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl } });
        await client.listClientCertificatesPage(zoneId, { status: "active", page: 2, perPage: 5 });
        await client.listClientCertificates(zoneId);
        await client.createClientCertificate(zoneId, { csr, validityDays: 90 });
        await client.getClientCertificate(zoneId, id);
        await client.reactivateClientCertificate(zoneId, id);
        await client.revokeClientCertificate(zoneId, id);
        expect(api.requests.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
          { method: "GET", url: `${zonePath}?status=active&page=2&per_page=5`, body: undefined },
          { method: "GET", url: `${zonePath}?page=1&per_page=50`, body: undefined },
          { method: "POST", url: zonePath, body: { csr, validity_days: 90 } },
          { method: "GET", url: `${zonePath}/${id}`, body: undefined },
          { method: "PATCH", url: `${zonePath}/${id}`, body: { reactivate: true } },
          { method: "DELETE", url: `${zonePath}/${id}`, body: undefined },
        ]);
      },
    );
  });

  test("an answer whose id is not a Cloudflare identifier is never recorded (regression: '..' was recorded, then destroyed)", async () => {
    await withScriptedApi(
      afterEmptyZoneListing((request, response) => {
        if (request.method === "POST") return sendEnvelope(response, 200, { result: { ...certificate(0), id: ".." } });
        return sendEnvelope(response, 200, {
          result: [],
          result_info: { page: 1, per_page: 50, count: 0, total_count: 0, total_pages: 0 },
        });
      }),
      async (api) => {
        const error = await rejection(providerFor(api).create(inputs));
        expect(error.message).toMatch(/expected id to be a Cloudflare identifier \(32 lowercase hex characters\), got "\.\."/);
        expect(error.message).toMatch(/so none was issued/);
        expect(api.lines()).toEqual([
          PRE_CHECK,
          `POST ${zonePath}`,
          `GET ${zonePath}?status=active&page=1&per_page=50`,
          `GET ${zonePath}?status=active&page=1&per_page=50`,
        ]);
      },
    );
  });
});

describe("a create whose success answer breaks the contract loses nothing (regression: the certificate stayed active and unrecorded)", () => {
  const broken = (): Record<string, unknown> => ({ ...certificate(0), certificate: undefined, status: "mystery" });

  test("reads a certificate with a valid id again and records it", async () => {
    await withScriptedApi(
      afterEmptyZoneListing((request, response) =>
        sendEnvelope(response, 200, { result: request.method === "POST" ? broken() : certificate(0) }),
      ),
      async (api) => {
        const result = await providerFor(api).create(inputs);
        expect(result.id).toBe(certificate(0).id);
        expect(result.outs).toMatchObject({ zoneId, status: "active", certificate: certificate(0).certificate });
        expect(api.lines()).toEqual([PRE_CHECK, `POST ${zonePath}`, `GET ${zonePath}/${certificate(0).id}`]);
      },
    );
  });

  test("revokes it when reading it again is broken too, and says nothing is left behind", async () => {
    await withScriptedApi(
      afterEmptyZoneListing((request, response) =>
        sendEnvelope(response, 200, {
          result: request.method === "DELETE" ? { ...certificate(0), status: "pending_revocation" } : broken(),
        }),
      ),
      async (api) => {
        const error = await rejection(providerFor(api).create(inputs));
        expect(error).toBeInstanceOf(CloudflareApiError);
        expect(error.message).toMatch(
          new RegExp(
            `broke its API contract.*; reading certificate ${certificate(0).id} again failed too \\(.*broke its API contract.*\\); certificate ${certificate(0).id} was revoked, nothing is left behind: run the update again$`,
          ),
        );
        expect(error.cause).toBeInstanceOf(ContractViolationError);
        expect(api.lines()).toEqual([
          PRE_CHECK,
          `POST ${zonePath}`,
          `GET ${zonePath}/${certificate(0).id}`,
          `DELETE ${zonePath}/${certificate(0).id}`,
        ]);
      },
    );
  });

  test("records the id with what is known when it can neither be read nor revoked", async () => {
    await withScriptedApi(
      afterEmptyZoneListing((request, response) => {
        if (request.method === "DELETE") return sendEnvelope(response, 400, { errors: [{ code: 10001, message: "no" }] });
        return sendEnvelope(response, 200, { result: broken() });
      }),
      async (api) => {
        const error = await rejection(providerFor(api).create({ ...inputs, __provider: "exports.handler = …" } as ClientCertificateInputs));
        expect(error).toBeInstanceOf(IssuedWithErrorsError);
        expect((error as IssuedWithErrorsError).id).toBe(certificate(0).id);
        expect((error as IssuedWithErrorsError).properties).toEqual({ zoneId, csr, validityDays: 90, __provider: "exports.handler = …" });
        expect((error as IssuedWithErrorsError).reasons).toEqual([
          expect.stringMatching(
            new RegExp(
              `; reading certificate ${certificate(0).id} again failed too \\(.*broke its API contract.*\\), and revoking it failed \\(.*Cloudflare error 10001: no.*\\)$`,
            ),
          ),
        ]);
      },
    );
  });

  test.each([
    ["result null", () => null],
    ["a string result", () => "ok"],
    ["an id of the wrong type", () => ({ ...certificate(0), id: 42 })],
  ])("runs the lost-create recovery for %s and adopts the certificate it finds", async (_name, result) => {
    await withScriptedApi(
      afterEmptyZoneListing((request, response) => {
        if (request.method === "POST") return sendEnvelope(response, 200, { result: result() });
        return sendEnvelope(response, 200, {
          result: [certificate(1)],
          result_info: { page: 1, per_page: 50, count: 1, total_count: 1, total_pages: 1 },
        });
      }),
      async (api) => {
        const created = await providerFor(api).create(inputs);
        expect(created.id).toBe(certificate(1).id);
        expect(api.lines()).toEqual([PRE_CHECK, `POST ${zonePath}`, `GET ${zonePath}?status=active&page=1&per_page=50`]);
      },
    );
  });
});

describe("error envelopes with malformed errors[] (regression: errors: [null] threw a raw TypeError)", () => {
  const malformed = [[null], [1, "text", { code: "7" }], "not an array", [{ message: { nested: true } }]];

  test.each(malformed)("a create met by a 500 with errors %j still runs the recovery", async (errors) => {
    await withScriptedApi(
      afterEmptyZoneListing((request, response) => {
        if (request.method === "POST") return sendEnvelope(response, 500, { success: false, errors });
        return sendEnvelope(response, 200, {
          result: [],
          result_info: { page: 1, per_page: 50, count: 0, total_count: 0, total_pages: 0 },
        });
      }),
      async (api) => {
        const error = await rejection(providerFor(api).create(inputs));
        expect(error).toBeInstanceOf(CloudflareApiError);
        expect(error.message).toMatch(/so none was issued and nothing needs cleaning up/);
        expect(api.lines()).toEqual([
          PRE_CHECK,
          `POST ${zonePath}`,
          `GET ${zonePath}?status=active&page=1&per_page=50`,
          `GET ${zonePath}?status=active&page=1&per_page=50`,
        ]);
      },
    );
  });

  test.each(malformed)("read and delete map a 400 with errors %j to CloudflareApiError", async (errors) => {
    await withScriptedApi(
      (_request, response) => sendEnvelope(response, 400, { success: false, errors }),
      async (api) => {
        const provider = providerFor(api);
        const olds = { zoneId, csr, validityDays: 90, status: "active" };
        expect(await rejection(provider.read(certificate(0).id, olds))).toBeInstanceOf(CloudflareApiError);
        expect(await rejection(provider.delete(certificate(0).id, olds))).toBeInstanceOf(CloudflareApiError);
      },
    );
  });
});

describe("lost-create recovery and siblings (regression: A's recovery adopted B's certificate)", () => {
  test("waits for a slow sibling create of the same request, then adopts only its own certificate", async () => {
    const listed: ApiClientCertificate[] = [];
    let firstPostArrived: () => void = () => undefined;
    const firstPost = new Promise<void>((resolve) => (firstPostArrived = resolve));
    let secondPostArrived: () => void = () => undefined;
    const secondPost = new Promise<void>((resolve) => (secondPostArrived = resolve));
    await withScriptedApi(
      afterEmptyZoneListing(async (request, response, index) => {
        if (request.method === "POST" && index === 0) {
          // A is issued, but its answer is lost only once B's POST has arrived.
          listed.push(certificate(0));
          firstPostArrived();
          await secondPost;
          return void response.socket?.destroy();
        }
        if (request.method === "POST") {
          // B is issued at once, and its answer is slow.
          listed.push(certificate(1));
          secondPostArrived();
          await new Promise((resolve) => setTimeout(resolve, 300));
          return sendEnvelope(response, 200, { result: certificate(1) });
        }
        return sendEnvelope(response, 200, {
          result: listed,
          result_info: { page: 1, per_page: 50, count: listed.length, total_count: listed.length, total_pages: 1 },
        });
      }),
      async (api) => {
        const shared = providerFor(api);
        const a = shared.create(inputs);
        // B starts once A's POST has arrived, so A is request 0 however loaded the machine is.
        await firstPost;
        const b = shared.create(inputs);
        const [createdA, createdB] = await Promise.all([a, b]);
        expect(createdB.id).toBe(certificate(1).id);
        expect(createdA.id).toBe(certificate(0).id);
        expect(api.lines()).toEqual([
          PRE_CHECK,
          `POST ${zonePath}`,
          `POST ${zonePath}`,
          `GET ${zonePath}?status=active&page=1&per_page=50`,
        ]);
      },
    );
  });

  test("fails naming every candidate when several unrecorded certificates match, and records none", async () => {
    await withScriptedApi(
      afterEmptyZoneListing((request, response) => {
        if (request.method === "POST") return void response.socket?.destroy();
        return sendEnvelope(response, 200, {
          result: [certificate(0), certificate(1)],
          result_info: { page: 1, per_page: 50, count: 2, total_count: 2, total_pages: 1 },
        });
      }),
      async (api) => {
        const error = await rejection(providerFor(api).create(inputs));
        expect(error.message).toContain(
          `Cloudflare lists 2 certificates for this CSR and validity issued since the request that no resource recorded: ${certificate(0).id} (issued`,
        );
        expect(error.message).toContain(`, ${certificate(1).id} (issued`);
        expect(error.message).toMatch(/Not choosing between them, so nothing is recorded twice/);
      },
    );
  });

  test("two lost creates with one certificate issued: the first recovery adopts it, the second finds nothing left", async () => {
    await withScriptedApi(
      afterEmptyZoneListing((request, response) => {
        if (request.method === "POST") return void response.socket?.destroy();
        return sendEnvelope(response, 200, {
          result: [certificate(0)],
          result_info: { page: 1, per_page: 50, count: 1, total_count: 1, total_pages: 1 },
        });
      }),
      async (api) => {
        const shared = providerFor(api);
        const outcomes = await Promise.allSettled([shared.create(inputs), shared.create(inputs)]);
        const adopted = outcomes.filter((outcome) => outcome.status === "fulfilled");
        const failed = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
        expect(adopted).toHaveLength(1);
        expect(failed).toHaveLength(1);
        expect(String(failed[0]?.reason)).toMatch(/so none was issued/);
      },
    );
  });
});

describe("healing a pending revocation (regression: every up failed with 1406 once the certificate was active again)", () => {
  test.each(["active", "pending_reactivation"])(
    "update succeeds when the PATCH is refused because the certificate is already %s",
    async (status) => {
      const id = certificate(0).id;
      await withScriptedApi(
        (request, response) => {
          if (request.method === "PATCH")
            return sendEnvelope(response, 400, { success: false, errors: [{ code: 1406, message: `this one is ${status}` }] });
          return sendEnvelope(response, 200, { result: { ...certificate(0), status } });
        },
        async (api) => {
          const olds = { zoneId, csr, validityDays: 90, status: "pending_revocation" } as unknown as Record<string, unknown>;
          const { outs } = await providerFor(api).update(id, olds, inputs);
          expect((outs as ClientCertificateOutputs).status).toBe(status);
          expect(api.lines()).toEqual([`PATCH ${zonePath}/${id}`, `GET ${zonePath}/${id}`]);
        },
      );
    },
  );
});

describe("adopting a certificate pending revocation whose state moves under the provider", () => {
  const adopting = (): ClientCertificateInputs => ({ zoneId, csr, validityDays: 90, adoptCertificateId: certificate(0).id });

  test.each(["active", "pending_reactivation"])(
    "adoption succeeds when the PATCH is refused because the certificate is already %s",
    async (status) => {
      const id = certificate(0).id;
      await withScriptedApi(
        afterEmptyZoneListing((request, response, index) => {
          if (request.method === "PATCH")
            return sendEnvelope(response, 400, { success: false, errors: [{ code: 1406, message: `this one is ${status}` }] });
          return sendEnvelope(response, 200, { result: { ...certificate(0), status: index === 0 ? "pending_revocation" : status } });
        }),
        async (api) => {
          const { id: adopted, outs } = await providerFor(api).create(adopting());
          expect(adopted).toBe(id);
          expect((outs as ClientCertificateOutputs).status).toBe(status);
          expect(api.lines()).toEqual([`GET ${zonePath}/${id}`, `PATCH ${zonePath}/${id}`, `GET ${zonePath}/${id}`]);
        },
      );
    },
  );

  test("adoption fails with the advice to issue a new certificate when it finished revoking meanwhile", async () => {
    const id = certificate(0).id;
    await withScriptedApi(
      afterEmptyZoneListing((request, response, index) => {
        if (request.method === "PATCH")
          return sendEnvelope(response, 400, { success: false, errors: [{ code: 1406, message: "not pending revocation" }] });
        return sendEnvelope(response, 200, { result: { ...certificate(0), status: index === 0 ? "pending_revocation" : "revoked" } });
      }),
      async (api) => {
        const error = await rejection(providerFor(api).create(adopting()));
        expect(error).toBeInstanceOf(CloudflareApiError);
        expect(error.message).toBe(
          `reactivating client certificate ${id} in zone ${zoneId}: it finished revoking before it could be reactivated; it can never serve again: remove adoptCertificateId to issue a new certificate for this CSR`,
        );
        expect(api.lines()).toEqual([`GET ${zonePath}/${id}`, `PATCH ${zonePath}/${id}`, `GET ${zonePath}/${id}`]);
      },
    );
  });
});

describe("credentials the HTTP layer cannot send (regression: 'may have been issued' although nothing was sent)", () => {
  test.each([
    ["a line break", "abc\ndef"],
    ["a non-ASCII character", "abcé—x"],
    ["a control character", "abc\u0007def"],
  ])("a token with %s fails create with a ConfigurationError naming the variable, and sends nothing", async (_name, token) => {
    await withScriptedApi(
      afterEmptyZoneListing((_request, response) => sendEnvelope(response, 200, {})),
      async (api) => {
        await withEnvironment({ CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_BASE_URL: api.baseUrl }, async () => {
          const error = await rejection(new ClientCertificateProvider().create(inputs));
          expect(error).toBeInstanceOf(ConfigurationError);
          expect(error.message).toMatch(/^CLOUDFLARE_API_TOKEN contains .* at position 4; .*nothing was sent to Cloudflare$/);
          expect(error.message).not.toMatch(/may have been issued/);
          expect(error.message).not.toContain(token);
          expect(api.requests).toEqual([]);
        });
      },
    );
  });

  test("a connection passed in code with a bad key names connection.credentials", () => {
    expect(
      () =>
        new CloudflareClient({
          connection: { credentials: { apiKey: "k\r\ney", email: "a@b.c" }, baseUrl: "https://api.cloudflare.com/client/v4" },
        }),
    ).toThrow(/^connection\.credentials\.apiKey contains a line break at position 2/);
  });
});

describe("the retry budget covers a whole operation (regression: a 3-page list could wait 3 x 330 s)", () => {
  test("a list whose every page needs a retry stops when the pages together exhaust the budget", async () => {
    const sleeps: number[] = [];
    const seen = new Map<string, number>();
    await withScriptedApi(
      (request, response) => {
        const attempts = (seen.get(request.url) ?? 0) + 1;
        seen.set(request.url, attempts);
        if (attempts === 1) {
          response.writeHead(503, { "content-type": "application/json", "retry-after-ms": "400" });
          return void response.end(JSON.stringify({ success: false, errors: [], messages: [], result: null }));
        }
        const page = Number(new URL(request.url, "http://x").searchParams.get("page"));
        const items = Array.from({ length: 50 }, (_, index) => ({
          ...certificate(0),
          id: (page * 100 + index).toString(16).padStart(32, "0"),
        }));
        return sendEnvelope(response, 200, {
          result: items,
          result_info: { page: 1, per_page: 50, count: 50, total_count: 150, total_pages: 3 },
        });
      },
      async (api) => {
        const client = new CloudflareClient({
          connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl },
          retry: { maxTotalWaitMs: 1_000 },
          sleep: async (ms) => void sleeps.push(ms),
        });
        const error = await rejection(client.listClientCertificates(zoneId));
        expect(error.message).toMatch(/would exceed the retry budget of 1 s \(already waited 1 s\)/);
        expect(sleeps).toEqual([400, 400]);
      },
    );
  });
});

describe("the provider holds stack-config credentials out of sight (regression: util.inspect printed the token)", () => {
  test("inspect and JSON.stringify of a configured provider show no credential", async () => {
    const provider = new ClientCertificateProvider();
    await provider.configure(
      stackConfig({ "cloudflare:apiToken": "tok-SECRET-123", "cloudflare:apiKey": "key-SECRET-456", "cloudflare:email": "e@x.io" }),
    );
    for (const shown of [inspect(provider, { depth: 10 }), JSON.stringify(provider), inspect({ ...provider }, { depth: 10 })]) {
      expect(shown).not.toContain("SECRET");
    }
    // The settings are still used.
    expect(provider.client().baseUrl).toBe("https://api.cloudflare.com/client/v4");
  });

  test("inspect of a provider given a connection in code shows no credential", () => {
    const provider = new ClientCertificateProvider({
      client: { connection: { credentials: { apiToken: "tok-SECRET-789" }, baseUrl: "https://api.cloudflare.com/client/v4" } },
    });
    expect(inspect(provider, { depth: 10 })).not.toContain("SECRET");
    expect(JSON.stringify(provider)).not.toContain("SECRET");
  });
});

describe("an answer about another certificate", () => {
  test("read, revoke and reactivate refuse an answer for an id other than the one asked about", async () => {
    const asked = certificate(0).id;
    await withScriptedApi(
      (_request, response) => sendEnvelope(response, 200, { result: certificate(1) }),
      async (api) => {
        const client = new CloudflareClient({ connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl } });
        for (const call of [
          () => client.getClientCertificate(zoneId, asked),
          () => client.revokeClientCertificate(zoneId, asked),
          () => client.reactivateClientCertificate(zoneId, asked),
        ]) {
          expect((await rejection(call())).message).toMatch(
            new RegExp(
              `client certificate ${asked} in zone ${zoneId}: Cloudflare broke its API contract: it answered with certificate ${certificate(1).id}$`,
            ),
          );
        }
      },
    );
  });
});

describe("a revoke whose success answer cannot be read", () => {
  test.each(["pending_revocation", "revoked"])("delete confirms with a GET and succeeds when the certificate is %s", async (status) => {
    const id = certificate(0).id;
    await withScriptedApi(
      (request, response) =>
        sendEnvelope(response, 200, { result: request.method === "DELETE" ? { id, status: 42 } : { ...certificate(0), status } }),
      async (api) => {
        await providerFor(api).delete(id, { zoneId, csr, validityDays: 90, status: "active" });
        expect(api.lines()).toEqual([`DELETE ${zonePath}/${id}`, `GET ${zonePath}/${id}`]);
      },
    );
  });

  test("delete fails when the GET shows the certificate still active", async () => {
    const id = certificate(0).id;
    await withScriptedApi(
      (request, response) => sendEnvelope(response, 200, { result: request.method === "DELETE" ? { id, status: 42 } : certificate(0) }),
      async (api) => {
        const error = await rejection(providerFor(api).delete(id, { zoneId, csr, validityDays: 90, status: "active" }));
        expect(error.message).toMatch(
          /revoking client certificate .* broke its API contract: expected certificate to be a non-empty string, got nothing$/,
        );
      },
    );
  });
});

describe("a provider operation shares one retry budget between its requests", () => {
  test("a create whose POST waited out a 429 cannot wait again for its recovery's list beyond the budget", async () => {
    const sleeps: number[] = [];
    await withScriptedApi(
      afterEmptyZoneListing((request, response, index) => {
        const wait = { "retry-after-ms": "600" };
        if (request.method === "POST" && index === 0) return void sendStatus(response, 429, wait);
        if (request.method === "POST") return void sendStatus(response, 500, {});
        if (index === 2) return void sendStatus(response, 503, wait);
        return sendEnvelope(response, 200, {
          result: [],
          result_info: { page: 1, per_page: 50, count: 0, total_count: 0, total_pages: 0 },
        });
      }),
      async (api) => {
        const provider = new ClientCertificateProvider({
          client: {
            connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl },
            retry: { maxTotalWaitMs: 1_000 },
            sleep: async (ms) => void sleeps.push(ms),
          },
          issue: { settleDelayMs: 0, sleep: async () => undefined },
        });
        const error = await rejection(provider.create(inputs));
        expect(error.message).toMatch(
          /; the certificate may have been issued, and looking for it failed too \(.*Cloudflare asked to wait 1 s, which would exceed the retry budget of 1 s \(already waited 1 s\)\): list the zone's certificates for this CSR before running the update again$/,
        );
        expect(error.cause).toBeInstanceOf(CloudflareApiError);
        expect(sleeps).toEqual([600]);
        expect(api.lines()).toEqual([
          PRE_CHECK,
          `POST ${zonePath}`,
          `POST ${zonePath}`,
          `GET ${zonePath}?status=active&page=1&per_page=50`,
        ]);
      },
    );
  });
});

function sendStatus(response: ServerResponse, status: number, headers: Record<string, string>): void {
  const text = JSON.stringify({ success: false, errors: [{ code: 10000 + status, message: "busy" }], messages: [], result: null });
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(text);
}
