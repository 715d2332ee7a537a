import type { ServerResponse } from "node:http";
import { ClientCertificateProvider } from "../provider/client-certificate-provider";
import { UncertainOutcomeError } from "../provider/errors";
import { publicKeyMismatch } from "../provider/issue-client-certificate";
import { type ApiClientCertificate } from "../provider/api-types";
import { type ClientCertificateInputs } from "../provider/client-certificate-inputs";
import { csrFixture } from "./fixtures/csr-fixtures";
import { issueRealCertificates, onePage } from "./helpers/issued-certificates";
import { rejection } from "./helpers/rejection";
import { afterEmptyZoneListing, sendEnvelope, withScriptedApi, type ScriptedApi } from "./helpers/scripted-api";

// A create whose POST answer is lost lists the zone's active certificates and adopts the one issued
// for this request since it started. Each test lists one near-match beside (or instead of) the
// right certificate: a filter that lets the near-match through makes two candidates, or adopts it.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const inputs: ClientCertificateInputs = { zoneId, csr, validityDays: 90 };
const zonePath = `/client/v4/zones/${zoneId}/client_certificates`;
const listLine = `GET ${zonePath}?status=active&page=1&per_page=50`;
const MINUTE_MS = 60_000;

let right: ApiClientCertificate;
let nearMatch: ApiClientCertificate;
let otherCsr: ApiClientCertificate;

beforeAll(async () => {
  [right, nearMatch] = (await issueRealCertificates(zoneId, csr, 2)) as [ApiClientCertificate, ApiClientCertificate];
  [otherCsr] = (await issueRealCertificates(zoneId, csrFixture("ecdsa-p256-other"), 1)) as [ApiClientCertificate];
});

/** Issued `minutesAgo` before now (the create starts after this is computed, so "now" is at most the start). */
const issuedMinutesAgo = (certificate: ApiClientCertificate, minutesAgo: number): ApiClientCertificate => ({
  ...certificate,
  issued_on: new Date(Date.now() - minutesAgo * MINUTE_MS).toISOString(),
});

function providerFor(api: ScriptedApi): ClientCertificateProvider {
  return new ClientCertificateProvider({
    client: {
      connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl },
      retry: { maxRetries: 2 },
      sleep: async () => undefined,
    },
    issue: { settleDelayMs: 0, sleep: async () => undefined },
  });
}

/** Lists an empty zone before the create (its pre-check), drops every POST's connection after "issuing", then lists `listed`. */
async function withLostCreate(listed: ApiClientCertificate[], run: (api: ScriptedApi) => Promise<void>): Promise<void> {
  await withScriptedApi(
    afterEmptyZoneListing((request, response) => {
      if (request.method === "POST") return void response.socket?.destroy();
      return sendEnvelope(response, 200, { result: listed, result_info: onePage(listed.length) });
    }),
    run,
  );
}

describe("lost-create recovery adopts only a certificate of this request issued since it started", () => {
  test.each([
    { name: "the same CSR with another validity", near: () => ({ ...issuedMinutesAgo(nearMatch, 0), validity_days: 365 }) },
    { name: "the same CSR issued an hour before the request", near: () => issuedMinutesAgo(nearMatch, 60) },
    {
      name: "the same CSR issued six minutes before the request (beyond five minutes of clock skew)",
      near: () => issuedMinutesAgo(nearMatch, 6),
    },
    { name: "another CSR with the same validity", near: () => issuedMinutesAgo(otherCsr, 0) },
    {
      name: "the same request, already revoking",
      near: () => ({ ...issuedMinutesAgo(nearMatch, 0), status: "pending_revocation" as const }),
    },
  ])("beside $name, adopts the right one", async ({ near }) => {
    await withLostCreate([near(), issuedMinutesAgo(right, 0)], async (api) => {
      const created = await providerFor(api).create(inputs);
      expect(created.id).toBe(right.id);
      expect(api.lines()).toEqual([listLine, `POST ${zonePath}`, listLine]);
    });
  });

  test.each([
    { name: "the same CSR with another validity", near: () => ({ ...issuedMinutesAgo(nearMatch, 0), validity_days: 365 }) },
    { name: "the same CSR issued an hour before the request", near: () => issuedMinutesAgo(nearMatch, 60) },
  ])("with only $name listed, reports that nothing was issued", async ({ near }) => {
    await withLostCreate([near()], async (api) => {
      const error = await rejection(providerFor(api).create(inputs));
      expect(error.message).toMatch(
        /; Cloudflare lists no certificate issued for this CSR since the request, so none was issued and nothing needs cleaning up: run the update again$/,
      );
      // Looked twice: a certificate may show in the list a little after its create.
      expect(api.lines()).toEqual([listLine, `POST ${zonePath}`, listLine, listLine]);
    });
  });

  test("adopts a certificate of this request listed without an issue date: it cannot be ruled out", async () => {
    const undated: ApiClientCertificate = withoutIssueDate(right);
    await withLostCreate([undated], async (api) => {
      expect((await providerFor(api).create(inputs)).id).toBe(right.id);
    });
  });

  test("looks a second time after 3 s by default, in case the certificate shows in the list late", async () => {
    const settles: number[] = [];
    await withLostCreate([], async (api) => {
      const provider = new ClientCertificateProvider({
        client: { connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl }, sleep: async () => undefined },
        issue: { sleep: async (ms) => void settles.push(ms) },
      });
      await rejection(provider.create(inputs));
      expect(settles).toEqual([3_000]);
      expect(api.lines()).toEqual([listLine, `POST ${zonePath}`, listLine, listLine]);
    });
  });

  test("fails naming each candidate with its issue date, keeping the lost answer as the cause", async () => {
    const first = issuedMinutesAgo(right, 0);
    const undated: ApiClientCertificate = withoutIssueDate(nearMatch);
    await withLostCreate([first, undated], async (api) => {
      const error = await rejection(providerFor(api).create(inputs));
      expect(error.message).toContain(
        `Cloudflare lists 2 certificates for this CSR and validity issued since the request that no resource recorded: ${right.id} (issued ${first.issued_on}), ${nearMatch.id} (issued at an unknown time).`,
      );
      expect(error.cause).toBeInstanceOf(UncertainOutcomeError);
      expect(api.lines()).toEqual([listLine, `POST ${zonePath}`, listLine]);
    });
  });

  test("looks once at once, then once more after the wait", async () => {
    const linesAtSleep: number[] = [];
    await withLostCreate([], async (api) => {
      const provider = new ClientCertificateProvider({
        client: { connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl }, sleep: async () => undefined },
        issue: { sleep: async () => void linesAtSleep.push(api.lines().length) },
      });
      await rejection(provider.create(inputs));
      // Pre-check listing, POST, first look: then the wait, then the second look.
      expect(linesAtSleep).toEqual([3]);
    });
  });

  test("adopts a certificate stamped exactly five minutes (the clock skew) before the request", async () => {
    const startedAt = Date.parse("2026-11-29T12:00:00.000Z");
    const stamped = { ...right, issued_on: new Date(startedAt - 5 * MINUTE_MS).toISOString() };
    await withLostCreate([stamped], async (api) => {
      const provider = new ClientCertificateProvider({
        client: { connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl }, sleep: async () => undefined },
        issue: { settleDelayMs: 0, sleep: async () => undefined, now: () => startedAt },
      });
      expect((await provider.create(inputs)).id).toBe(right.id);
    });
  });

  test("allows for clock skew: a certificate stamped four minutes before the request is adopted", async () => {
    await withLostCreate([issuedMinutesAgo(right, 4)], async (api) => {
      expect((await providerFor(api).create(inputs)).id).toBe(right.id);
    });
  });
});

describe("a create POST is never sent twice when its outcome is unknown", () => {
  function sendHtml(response: ServerResponse, status: number): void {
    const page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    response.writeHead(status, { "content-type": "text/html", "content-length": Buffer.byteLength(page) });
    response.end(page);
  }

  test.each([502, 503, 500])(
    "a POST answered with an HTML %i page is not retried: the provider looks for the certificate instead",
    async (status) => {
      await withScriptedApi(
        afterEmptyZoneListing((request, response) =>
          request.method === "POST"
            ? sendHtml(response, status)
            : sendEnvelope(response, 200, { result: [issuedMinutesAgo(right, 0)], result_info: onePage(1) }),
        ),
        async (api) => {
          const created = await providerFor(api).create(inputs);
          expect(created.id).toBe(right.id);
          expect(api.lines()).toEqual([listLine, `POST ${zonePath}`, listLine]);
        },
      );
    },
  );

  test("a client POST answered with an HTML 502 page fails as an uncertain outcome, after one attempt", async () => {
    await withScriptedApi(
      (_request, response) => sendHtml(response, 502),
      async (api) => {
        const client = providerFor(api).client();
        const error = await rejection(client.createClientCertificate(zoneId, { csr, validityDays: 90 }));
        expect(error).toBeInstanceOf(UncertainOutcomeError);
        expect(error.message).toBe(
          `creating client certificate in zone ${zoneId}: Cloudflare answered HTTP 502 with a body that is not a Cloudflare API response (starts with "<html><body><h1>502 Bad Gateway</h1></body></html>")`,
        );
        expect(api.lines()).toEqual([`POST ${zonePath}`]);
      },
    );
  });

  test("a POST answered with a JSON 502 error envelope is not retried either", async () => {
    await withScriptedApi(
      (request, response) =>
        request.method === "POST"
          ? sendEnvelope(response, 502, { success: false, errors: [{ code: 10502, message: "bad gateway" }] })
          : sendEnvelope(response, 200, { result: [], result_info: onePage(0) }),
      async (api) => {
        const error = await rejection(providerFor(api).create(inputs));
        expect(error.message).toBe(
          `creating client certificate in zone ${zoneId}: Cloudflare error 10502: bad gateway (HTTP 502); Cloudflare lists no certificate issued for this CSR since the request, so none was issued and nothing needs cleaning up: run the update again`,
        );
        // Callers can still tell what Cloudflare said: its status and errors, and the lost answer as the cause.
        expect(error).toMatchObject({ status: 502, errors: [{ code: 10502, message: "bad gateway" }] });
        expect(error.cause).toBeInstanceOf(UncertainOutcomeError);
        expect(api.lines()).toEqual([listLine, `POST ${zonePath}`, listLine, listLine]);
      },
    );
  });
});

/** The certificate as an answer that leaves `issued_on` out. */
function withoutIssueDate(certificate: ApiClientCertificate): ApiClientCertificate {
  return Object.fromEntries(Object.entries(certificate).filter(([field]) => field !== "issued_on")) as unknown as ApiClientCertificate;
}

describe("publicKeyMismatch", () => {
  test("says so when the returned certificate is not X.509 PEM", () => {
    expect(publicKeyMismatch("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "0".repeat(64))).toBe(
      "the certificate Cloudflare returned does not parse as X.509 PEM",
    );
  });
});
