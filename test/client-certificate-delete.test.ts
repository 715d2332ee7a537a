import { ClientCertificateProvider } from "../provider/client-certificate-provider";
import { CloudflareApiError } from "../provider/errors";
import { type ApiClientCertificate } from "../provider/api-types";
import { type ClientCertificateOutputs } from "../provider/client-certificate-outputs";
import { csrFixture } from "./fixtures/csr-fixtures";
import { issueRealCertificates } from "./helpers/issued-certificates";
import { rejection } from "./helpers/rejection";
import { sendEnvelope, withScriptedApi, type ScriptedApi } from "./helpers/scripted-api";

// Delete against a scripted API: each answer Cloudflare may give to a revoke, and the exact
// requests the provider sends for it. A test that only checks "delete resolved" cannot tell a
// provider that trusts 1407 from one that reads the certificate back and finds it revoked.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const zonePath = `/client/v4/zones/${zoneId}/client_certificates`;

let certificate: ApiClientCertificate;
let recorded: ClientCertificateOutputs;

beforeAll(async () => {
  [certificate] = (await issueRealCertificates(zoneId, csr, 1)) as [ApiClientCertificate];
  recorded = { zoneId, csr, validityDays: 90, status: "active", certificate: certificate.certificate };
});

function providerFor(api: ScriptedApi): ClientCertificateProvider {
  return new ClientCertificateProvider({
    client: {
      connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl },
      retry: { maxRetries: 0 },
      sleep: async () => undefined,
    },
  });
}

/** Answers DELETE with `revokeAnswer` and GET with the certificate in `readStatus` (or 404 when undefined). */
function revokeThenRead(revokeAnswer: { status: number; code: number }, readStatus: string | undefined) {
  return async (run: (api: ScriptedApi) => Promise<void>): Promise<void> =>
    withScriptedApi((request, response) => {
      if (request.method === "DELETE")
        return sendEnvelope(response, revokeAnswer.status, { success: false, errors: [{ code: revokeAnswer.code, message: "refused" }] });
      if (readStatus === undefined)
        return sendEnvelope(response, 404, { success: false, errors: [{ code: 1415, message: "Invalid Certificate ID" }] });
      return sendEnvelope(response, 200, { result: { ...certificate, status: readStatus } });
    }, run);
}

describe("ClientCertificateProvider.delete: what each refusal of the revoke means", () => {
  test("1407 (already revoked) is done with the DELETE alone: no read back", async () => {
    await revokeThenRead(
      { status: 400, code: 1407 },
      "active",
    )(async (api) => {
      await providerFor(api).delete(certificate.id, recorded);
      expect(api.lines()).toEqual([`DELETE ${zonePath}/${certificate.id}`]);
    });
  });

  test("1415 (no such certificate) is done with the DELETE alone", async () => {
    await revokeThenRead(
      { status: 404, code: 1415 },
      "active",
    )(async (api) => {
      await providerFor(api).delete(certificate.id, recorded);
      expect(api.lines()).toEqual([`DELETE ${zonePath}/${certificate.id}`]);
    });
  });

  test.each(["pending_revocation", "revoked"])(
    "an undocumented refusal is done when the read back shows the certificate %s",
    async (status) => {
      await revokeThenRead(
        { status: 400, code: 1499 },
        status,
      )(async (api) => {
        await providerFor(api).delete(certificate.id, recorded);
        expect(api.lines()).toEqual([`DELETE ${zonePath}/${certificate.id}`, `GET ${zonePath}/${certificate.id}`]);
      });
    },
  );

  test("an undocumented refusal is done when the read back finds no certificate", async () => {
    await revokeThenRead(
      { status: 400, code: 1499 },
      undefined,
    )(async (api) => {
      await providerFor(api).delete(certificate.id, recorded);
      expect(api.lines()).toEqual([`DELETE ${zonePath}/${certificate.id}`, `GET ${zonePath}/${certificate.id}`]);
    });
  });

  test.each(["active", "pending_reactivation"])(
    "an undocumented refusal fails with the revoke's own error when the certificate is still %s",
    async (status) => {
      await revokeThenRead(
        { status: 400, code: 1499 },
        status,
      )(async (api) => {
        const error = await rejection(providerFor(api).delete(certificate.id, recorded));
        expect(error).toBeInstanceOf(CloudflareApiError);
        expect(error.message).toBe(
          `revoking client certificate ${certificate.id} in zone ${zoneId}: Cloudflare error 1499: refused (HTTP 400)`,
        );
        expect(api.lines()).toEqual([`DELETE ${zonePath}/${certificate.id}`, `GET ${zonePath}/${certificate.id}`]);
      });
    },
  );

  test("a refusal whose read back fails too reports the revoke's error, not the read's", async () => {
    await withScriptedApi(
      (request, response) => {
        if (request.method === "DELETE")
          return sendEnvelope(response, 400, { success: false, errors: [{ code: 1499, message: "refused" }] });
        return sendEnvelope(response, 400, { success: false, errors: [{ code: 1498, message: "read refused" }] });
      },
      async (api) => {
        const error = await rejection(providerFor(api).delete(certificate.id, recorded));
        expect(error.message).toBe(
          `revoking client certificate ${certificate.id} in zone ${zoneId}: Cloudflare error 1499: refused (HTTP 400)`,
        );
        expect(api.lines()).toEqual([`DELETE ${zonePath}/${certificate.id}`, `GET ${zonePath}/${certificate.id}`]);
      },
    );
  });

  test.each([
    { name: "a rejected credential (403)", status: 403, code: 10000 },
    { name: "a rate limit that outlasts the retries (429)", status: 429, code: 971 },
  ])("$name fails at once without a read back", async ({ status, code }) => {
    await revokeThenRead(
      { status, code },
      "revoked",
    )(async (api) => {
      const error = await rejection(providerFor(api).delete(certificate.id, recorded));
      expect(error.message).toMatch(
        new RegExp(`^revoking client certificate ${certificate.id} in zone ${zoneId}: .*Cloudflare error ${code}: refused`),
      );
      expect(api.lines()).toEqual([`DELETE ${zonePath}/${certificate.id}`]);
    });
  });

  test("a recorded state without a zone fails naming the certificate and the fix, before any request", async () => {
    await revokeThenRead(
      { status: 400, code: 1407 },
      "revoked",
    )(async (api) => {
      const error = await rejection(
        providerFor(api).delete(certificate.id, { ...recorded, zoneId: undefined } as unknown as ClientCertificateOutputs),
      );
      expect(error.message).toMatch(
        new RegExp(
          `^revoking client certificate ${certificate.id}: zoneId .*; pass the zone with ClientCertificate.get\\(name, id, \\{ zoneId \\}\\)$`,
        ),
      );
      expect(api.lines()).toEqual([]);
    });
  });

  test("no answer at all fails without a read back: it proves nothing", async () => {
    await withScriptedApi(
      (_request, response) => void response.socket?.destroy(),
      async (api) => {
        const error = await rejection(providerFor(api).delete(certificate.id, recorded));
        expect(error.message).toMatch(
          new RegExp(`^revoking client certificate ${certificate.id} in zone ${zoneId}: no response from Cloudflare: `),
        );
        expect(api.lines()).toEqual([`DELETE ${zonePath}/${certificate.id}`]);
      },
    );
  });
});
