import { ClientCertificateProvider } from "../provider/client-certificate-provider";
import { CloudflareClient } from "../provider/cloudflare-client";
import { type ClientCertificateInputs } from "../provider/client-certificate-inputs";
import { type ClientCertificateOutputs } from "../provider/client-certificate-outputs";
import { startEmulator, type Emulator } from "../emulator";
import { csrFixture } from "./fixtures/csr-fixtures";

// Which requests are retried after a transient answer, through the provider against the emulator:
// GET, PATCH (reactivate) and DELETE (revoke) are idempotent and retried on 408 and 5xx; a create
// POST never is (it looks for the certificate instead).

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const inputs: ClientCertificateInputs = { zoneId, csr, validityDays: 90 };

let emulator: Emulator;
let sleeps: number[];

beforeEach(async () => {
  emulator = await startEmulator({ revocationDelayMs: Infinity, reactivationDelayMs: Infinity });
  sleeps = [];
});
afterEach(async () => {
  await emulator.close();
});

function provider(): ClientCertificateProvider {
  return new ClientCertificateProvider({
    client: {
      connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl },
      sleep: async (ms) => void sleeps.push(ms),
    },
    issue: { settleDelayMs: 0, sleep: async () => undefined },
  });
}

const calls = () => emulator.requests().map((request) => `${request.method} ${request.status}`);

async function issued(): Promise<{ id: string; outs: ClientCertificateOutputs }> {
  const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
  const certificate = await client.createClientCertificate(zoneId, { csr, validityDays: 90 });
  emulator.clearRequests();
  return { id: certificate.id, outs: { zoneId, csr, validityDays: 90, status: "active", certificate: certificate.certificate } };
}

describe.each([408, 502])("after a %i answer", (status) => {
  test("update retries the reactivating PATCH once and records the reactivation", async () => {
    const { id, outs } = await issued();
    emulator.revokeOutOfBand(id);
    emulator.clearRequests();
    emulator.injectFault({ route: "reactivate", kind: "status", status });
    const { outs: updated } = await provider().update(id, { ...outs, status: "pending_revocation" }, inputs);
    expect(calls()).toEqual([`PATCH ${status}`, "PATCH 200"]);
    expect((updated as ClientCertificateOutputs).status).toBe("pending_reactivation");
    expect(emulator.certificates(zoneId)[0]?.status).toBe("pending_reactivation");
    expect(sleeps).toHaveLength(1);
  });

  test("read retries the GET once", async () => {
    const { id, outs } = await issued();
    emulator.injectFault({ route: "get", kind: "status", status });
    const read = await provider().read(id, outs);
    expect(calls()).toEqual([`GET ${status}`, "GET 200"]);
    expect(read.id).toBe(id);
  });

  test("delete retries the revoking DELETE once", async () => {
    const { id, outs } = await issued();
    emulator.injectFault({ route: "revoke", kind: "status", status });
    await provider().delete(id, outs);
    expect(calls()).toEqual([`DELETE ${status}`, "DELETE 200"]);
    expect(emulator.certificates(zoneId)[0]?.status).toBe("pending_revocation");
  });

  test("create sends its POST once and, finding nothing issued, says so", async () => {
    emulator.injectFault({ route: "create", kind: "status", status });
    await expect(provider().create(inputs)).rejects.toThrow(/so none was issued and nothing needs cleaning up/);
    expect(calls()).toEqual(["GET 200", `POST ${status}`, "GET 200", "GET 200"]);
    expect(emulator.certificates(zoneId)).toEqual([]);
  });
});

test("a PATCH is retried until the policy's retries are spent; still pending revocation, the update fails naming the attempts", async () => {
  const { id, outs } = await issued();
  emulator.revokeOutOfBand(id);
  emulator.clearRequests();
  emulator.injectFault({ route: "reactivate", kind: "status", status: 408, times: 5 });
  await expect(provider().update(id, { ...outs, status: "pending_revocation" }, inputs)).rejects.toThrow(
    new RegExp(
      `^reactivating client certificate ${id} in zone ${zoneId}: Cloudflare error 10001: .* \\(HTTP 408\\); gave up after 5 attempts$`,
    ),
  );
  // After the last refusal the provider reads the status: an earlier PATCH may have worked.
  expect(calls()).toEqual(["PATCH 408", "PATCH 408", "PATCH 408", "PATCH 408", "PATCH 408", "GET 200"]);
  expect(sleeps).toHaveLength(4);
});
