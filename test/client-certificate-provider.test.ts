import { X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { startEmulator, type Emulator } from "../emulator";
import { ClientCertificateProvider } from "../provider/client-certificate-provider";
import { CloudflareClient } from "../provider/cloudflare-client";
import { ConfigurationError, IssuedWithErrorsError } from "../provider/errors";
import { type ClientCertificateInputs } from "../provider/client-certificate-inputs";
import { type ClientCertificateOutputs } from "../provider/client-certificate-outputs";
import { csrFixture } from "./fixtures/csr-fixtures";
import { stackConfig, withEnvironment } from "./helpers/environment";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const inputs: ClientCertificateInputs = { zoneId, csr, validityDays: 90 };

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000, reactivationDelayMs: 60_000 });
});
afterEach(async () => {
  await emulator.close();
});

function provider(): ClientCertificateProvider {
  return new ClientCertificateProvider({
    client: { connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl }, sleep: async () => undefined },
    issue: { settleDelayMs: 0, sleep: async () => undefined },
  });
}

const methods = () => emulator.requests().map((request) => request.method);

async function created(): Promise<{ id: string; outs: ClientCertificateOutputs }> {
  const result = await provider().create(inputs);
  emulator.clearRequests();
  return { id: result.id, outs: result.outs as ClientCertificateOutputs };
}

describe("ClientCertificateProvider.create", () => {
  test("lists the zone's active certificates once, then issues with exactly one POST, and returns every output", async () => {
    const { id, outs } = await provider().create(inputs);
    expect(emulator.requests().map((request) => `${request.method} ${request.path} ${JSON.stringify(request.query)}`)).toEqual([
      `GET /client/v4/zones/${zoneId}/client_certificates {"status":"active","page":"1","per_page":"50"}`,
      `POST /client/v4/zones/${zoneId}/client_certificates {}`,
    ]);
    expect(emulator.requests()[1]?.body).toEqual({ csr, validity_days: 90 });
    expect(emulator.certificates(zoneId).map((certificate) => certificate.id)).toEqual([id]);
    expect(outs).toMatchObject({
      zoneId,
      csr,
      validityDays: 90,
      status: "active",
      commonName: "p256.example.com",
      organization: "Example",
      certificateAuthority: { name: "Cloudflare Managed CA for account" },
    });
    const certificate = new X509Certificate(outs?.certificate ?? "");
    expect(certificate.fingerprint256.replace(/:/g, "").toLowerCase()).toBe(outs?.fingerprintSha256);
    expect(certificate.checkIssued(new X509Certificate(emulator.caCertificatePem))).toBe(true);
  });

  test("returns outputs the engine can encode: no undefined values (regression: 'Unexpected struct type')", async () => {
    const { id, outs } = await provider().create(inputs);
    const read = await provider().read(id, outs);
    const updated = await provider().update(id, outs as unknown as Record<string, unknown>, inputs);
    for (const bag of [outs, read.props, read.inputs, updated.outs]) {
      expect(() => Struct.fromJavaScript(bag as never)).not.toThrow();
    }
  });

  test("records a certificate issued by a create whose response was lost, without a second POST", async () => {
    emulator.injectFault({ route: "create", kind: "ambiguous-create" });
    const { id } = await provider().create(inputs);
    expect(methods()).toEqual(["GET", "POST", "GET"]);
    expect(emulator.certificates(zoneId).map((certificate) => certificate.id)).toEqual([id]);
  });

  test("fails cleanly when a create failed with 500 and nothing was issued", async () => {
    emulator.injectFault({ route: "create", kind: "status", status: 500 });
    await expect(provider().create(inputs)).rejects.toThrow(
      /Cloudflare lists no certificate issued for this CSR since the request, so none was issued/,
    );
    expect(methods()).toEqual(["GET", "POST", "GET", "GET"]);
    expect(emulator.certificates(zoneId)).toEqual([]);
  });

  test("does not adopt a sibling certificate issued for the same CSR earlier in the deployment", async () => {
    const deployment = provider();
    const { id: older } = await deployment.create(inputs);
    emulator.injectFault({ route: "create", kind: "ambiguous-create" });
    const { id } = await deployment.create(inputs);
    expect(id).not.toBe(older);
    expect(emulator.certificates(zoneId)).toHaveLength(2);
  });

  test("asks for credentials before any request when none are configured", async () => {
    await withEnvironment({ CLOUDFLARE_API_TOKEN: undefined, CLOUDFLARE_API_KEY: undefined }, async () => {
      await expect(new ClientCertificateProvider().create(inputs)).rejects.toThrow(ConfigurationError);
      expect(emulator.requests()).toEqual([]);
    });
  });

  test("uses cloudflare:apiToken and cloudflare:baseUrl from stack config over the environment", async () => {
    await withEnvironment({ CLOUDFLARE_API_TOKEN: "env-token-that-would-be-rejected" }, async () => {
      const configured = new ClientCertificateProvider();
      await configured.configure(stackConfig({ "cloudflare:apiToken": emulator.token, "cloudflare:baseUrl": emulator.baseUrl }));
      await configured.create(inputs);
      expect(emulator.requests()[0]?.credential).toBe("token");
    });
  });
});

describe("ClientCertificateProvider.read", () => {
  test("returns current outputs and inputs with one GET", async () => {
    const { id, outs } = await created();
    const read = await provider().read(id, outs);
    expect(methods()).toEqual(["GET"]);
    expect(read).toEqual({ id, props: outs, inputs: { zoneId, csr, validityDays: 90 } });
  });

  test("keeps the recorded CSR text as input when the API echoes it with CRLF", async () => {
    const { id, outs } = await created();
    const recordedWithCrlf = { ...outs, csr: csr.replace(/\n/g, "\r\n") };
    expect((await provider().read(id, recordedWithCrlf)).inputs).toMatchObject({ csr: recordedWithCrlf.csr });
  });

  test("records an out-of-band revocation as drift in status", async () => {
    const { id, outs } = await created();
    emulator.revokeOutOfBand(id);
    expect((await provider().read(id, outs)).props).toMatchObject({ status: "pending_revocation" });
    emulator.revokeOutOfBand(id, { immediately: true });
    expect((await provider().read(id, outs)).props).toMatchObject({ status: "revoked" });
  });

  test("reads a certificate deleted out of band as gone", async () => {
    const { id, outs } = await created();
    emulator.deleteOutOfBand(id);
    expect(await provider().read(id, outs)).toEqual({});
  });

  test("fails a read through a wrong base URL instead of reporting the certificate gone", async () => {
    const { id, outs } = await created();
    const misrouted = new ClientCertificateProvider({
      client: {
        connection: { credentials: { apiToken: emulator.token }, baseUrl: `${emulator.baseUrl}/extra` },
        sleep: async () => undefined,
      },
    });
    await expect(misrouted.read(id, outs)).rejects.toThrow(/Cloudflare error 7003/);
  });

  test("reads an existing certificate from its id and zone alone, as ClientCertificate.get does", async () => {
    const { id, outs } = await created();
    expect((await provider().read(id, { zoneId })).props).toEqual(outs);
  });

  test("explains that a read needs the zone", async () => {
    await expect(provider().read("a".repeat(32), {})).rejects.toThrow(
      `reading client certificate ${"a".repeat(32)}: zoneId must be a string, got undefined; pass the zone with ClientCertificate.get(name, id, { zoneId })`,
    );
  });
});

describe("ClientCertificateProvider.update", () => {
  test("reactivates a certificate pending revocation with PATCH", async () => {
    const { id, outs } = await created();
    emulator.revokeOutOfBand(id);
    const { outs: updated } = await provider().update(id, { ...outs, status: "pending_revocation" }, inputs);
    expect(methods()).toEqual(["PATCH"]);
    expect(emulator.requests()[0]?.body).toEqual({ reactivate: true });
    expect(updated?.status).toBe("pending_reactivation");
  });

  test("re-reads an active certificate with one GET, never a PATCH, keeping a changed renewal window", async () => {
    const { id, outs } = await created();
    const { outs: updated } = await provider().update(id, outs as unknown as Record<string, unknown>, { ...inputs, renewBeforeDays: 10 });
    expect(methods()).toEqual(["GET"]);
    expect(updated).toMatchObject({ status: "active", renewBeforeDays: 10 });
  });

  test("explains how to heal a certificate that finished revoking before it could be reactivated", async () => {
    const { id, outs } = await created();
    emulator.revokeOutOfBand(id, { immediately: true });
    await expect(provider().update(id, { ...outs, status: "pending_revocation" }, inputs)).rejects.toThrow(
      new RegExp(
        `reactivating client certificate ${id} in zone ${zoneId}: it finished revoking before it could be reactivated; run \`pulumi refresh\` then \`pulumi up\``,
      ),
    );
  });
});

describe("certificates the provider process records as managed (never taken for an interrupted create's)", () => {
  test("diff records the certificate once, and only a Cloudflare id", async () => {
    const { id, outs } = await created();
    const managing = provider();
    const olds = outs as unknown as Record<string, unknown>;
    await managing.diff(id, olds, inputs);
    await managing.diff(id, olds, inputs);
    await managing.diff("not-a-certificate-id", olds, inputs);
    expect(managing.ledger.recordedIds).toEqual([id]);
    expect(emulator.requests()).toEqual([]);
  });

  test("check notes an existing resource's request, and nothing for a recorded CSR that no longer parses", async () => {
    const checking = provider();
    await checking.check({ ...inputs, csr: "garbled" }, inputs);
    expect(checking.ledger.existingRequests).toEqual([]);
    await checking.check(inputs, inputs);
    expect(checking.ledger.existingRequests).toHaveLength(1);
  });

  test("read records the certificate once", async () => {
    const { id, outs } = await created();
    const managing = provider();
    await managing.read(id, outs);
    await managing.read(id, outs);
    expect(managing.ledger.recordedIds).toEqual([id]);
  });
});

describe("ClientCertificateProvider.delete", () => {
  test("revokes with DELETE", async () => {
    const { id, outs } = await created();
    await provider().delete(id, outs);
    expect(methods()).toEqual(["DELETE"]);
    expect(emulator.certificates(zoneId)[0]?.status).toBe("pending_revocation");
  });

  test("treats an already revoked certificate as gone", async () => {
    const { id, outs } = await created();
    emulator.revokeOutOfBand(id, { immediately: true });
    await provider().delete(id, outs);
    // 1407 alone proves it: no read back.
    expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual(["DELETE 400"]);
  });

  test("treats a certificate pending revocation as gone", async () => {
    const { id, outs } = await created();
    emulator.revokeOutOfBand(id);
    await provider().delete(id, outs);
    // The emulator accepts a second DELETE while pending, as Cloudflare does.
    expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual(["DELETE 200"]);
    expect(emulator.certificates(zoneId)[0]?.status).toBe("pending_revocation");
  });

  test("treats a certificate that no longer exists as gone", async () => {
    const { id, outs } = await created();
    emulator.deleteOutOfBand(id);
    await provider().delete(id, outs);
    expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual(["DELETE 404"]);
  });

  test("retries a revoke that met a server error", async () => {
    const { id, outs } = await created();
    emulator.injectFault({ route: "revoke", kind: "status", status: 502 });
    await provider().delete(id, outs);
    expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual(["DELETE 502", "DELETE 200"]);
  });
});

describe("ClientCertificateProvider.create against an API that returns a certificate for another key", () => {
  // A fake that lists an empty zone, answers every POST with a real certificate issued for a different
  // CSR, and every DELETE with `revokeStatus`: the provider must not record a certificate the client cannot use.
  async function withWrongKeyApi(revokeStatus: number, run: (baseUrl: string, requests: string[]) => Promise<void>): Promise<void> {
    const foreign = await new CloudflareClient({
      connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl },
    }).createClientCertificate(zoneId, {
      csr: csrFixture("ecdsa-p256-other"),
      validityDays: 90,
    });
    const requests: string[] = [];
    const server: Server = createServer((request, response) => {
      requests.push(request.method ?? "");
      if (request.method === "GET") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            success: true,
            errors: [],
            messages: [],
            result: [],
            result_info: { page: 1, per_page: 50, count: 0, total_count: 0, total_pages: 0 },
          }),
        );
        return;
      }
      const success = request.method === "POST" || revokeStatus < 300;
      response.writeHead(request.method === "POST" ? 200 : revokeStatus, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          success,
          errors: success ? [] : [{ code: 10001, message: "revocation is down" }],
          messages: [],
          result: success ? { ...foreign, csr } : null,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`, requests);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  function providerFor(baseUrl: string): ClientCertificateProvider {
    return new ClientCertificateProvider({
      client: { connection: { credentials: { apiToken: "t" }, baseUrl }, retry: { maxRetries: 0 }, sleep: async () => undefined },
    });
  }

  test("revokes it again and fails, leaving nothing behind", async () => {
    await withWrongKeyApi(200, async (baseUrl, requests) => {
      await expect(providerFor(baseUrl).create(inputs)).rejects.toThrow(
        /is for a different public key than the CSR; certificate [0-9a-f]{32} was revoked again, nothing is left behind/,
      );
      expect(requests).toEqual(["GET", "POST", "DELETE"]);
    });
  });

  test("records it in state with the reasons when revoking it fails too", async () => {
    await withWrongKeyApi(500, async (baseUrl) => {
      // The engine hands create the serialized provider with the inputs; it must stay in recorded state.
      const error = await providerFor(baseUrl)
        .create({ ...inputs, __provider: "exports.handler = …" } as ClientCertificateInputs)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IssuedWithErrorsError);
      expect((error as IssuedWithErrorsError).id).toMatch(/^[0-9a-f]{32}$/);
      expect((error as IssuedWithErrorsError).properties).toMatchObject({ zoneId, status: "active", __provider: "exports.handler = …" });
      expect((error as IssuedWithErrorsError).reasons[1]).toMatch(
        /^revoking it failed too \(.*Cloudflare error 10001: revocation is down.*\); run pulumi destroy or revoke it in the dashboard$/,
      );
    });
  });

  test("records no __provider of its own when the engine passed none", async () => {
    await withWrongKeyApi(500, async (baseUrl) => {
      const error = await providerFor(baseUrl)
        .create(inputs)
        .catch((caught: unknown) => caught);
      const properties = (error as IssuedWithErrorsError).properties;
      expect(properties).toMatchObject({ zoneId, csr, validityDays: 90, status: "active" });
      expect(Object.keys(properties)).not.toContain("__provider");
    });
  });
});
