import type { CloudflareClient } from "../provider/cloudflare-client";
import { AuthenticationError, CloudflareApiError, RateLimitedError } from "../provider/errors";
import { reactivateOrAccept } from "../provider/reactivate-client-certificate";
import { apiCertificate, successEnvelope, withRawServer } from "./helpers/raw-server";

// reactivateOrAccept looks at the certificate only when the PATCH failed in a way that the
// certificate's state can explain; errors about the caller (credentials, rate limit) go up untouched.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const certificate = apiCertificate(7);
const id = String(certificate["id"]);
const ifRevoked = "declare a new certificate instead";

/** A server that answers the PATCH with `patch` and every GET with the certificate in `status`. */
function answering(patch: { status: number; headers?: Record<string, string>; body: string }, status: string) {
  return withRawServer.bind(undefined, (request, response) => {
    if (request.method === "PATCH") {
      response.writeHead(patch.status, { "content-type": "application/json", ...patch.headers }).end(patch.body);
    } else {
      response.writeHead(200, { "content-type": "application/json" }).end(successEnvelope({ ...certificate, status }));
    }
  });
}

const refused = (code: number, message: string) =>
  JSON.stringify({ success: false, errors: [{ code, message }], messages: [], result: null });

test("a refused token goes up as AuthenticationError, without reading the certificate", async () => {
  await answering(
    { status: 401, body: refused(10000, "Authentication error") },
    "active",
  )(async (server) => {
    await expect(reactivateOrAccept(server.client(), zoneId, id, ifRevoked)).rejects.toBeInstanceOf(AuthenticationError);
    expect(server.requests).toEqual([`PATCH /client/v4/zones/${zoneId}/client_certificates/${id}`]);
  });
});

test("a rate limit past the retry budget goes up as RateLimitedError, without reading the certificate", async () => {
  const limited = {
    status: 429,
    headers: { "retry-after": "300" },
    body: refused(971, "Please wait and consider throttling your request speed"),
  };
  await answering(
    limited,
    "active",
  )(async (server) => {
    const client = server.client({ retry: { maxTotalWaitMs: 60_000 } });
    await expect(reactivateOrAccept(client, zoneId, id, ifRevoked)).rejects.toBeInstanceOf(RateLimitedError);
    expect(server.requests).toEqual([`PATCH /client/v4/zones/${zoneId}/client_certificates/${id}`]);
  });
});

test("a refusal for a certificate already active returns it as it is", async () => {
  await answering(
    { status: 400, body: refused(1416, "certificate is not pending revocation") },
    "active",
  )(async (server) => {
    expect(await reactivateOrAccept(server.client(), zoneId, id, ifRevoked)).toMatchObject({ id, status: "active" });
    expect(server.requests.map((request) => request.split(" ")[0])).toEqual(["PATCH", "GET"]);
  });
});

test("a certificate that finished revoking fails with the advice, the refusal kept as the cause", async () => {
  await answering(
    { status: 400, body: refused(1416, "certificate is not pending revocation") },
    "revoked",
  )(async (server) => {
    const error = await reactivateOrAccept(server.client(), zoneId, id, ifRevoked).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect((error as Error).message).toBe(
      `reactivating client certificate ${id} in zone ${zoneId}: it finished revoking before it could be reactivated; ${ifRevoked}`,
    );
    expect(((error as Error).cause as CloudflareApiError).errors).toEqual([
      { code: 1416, message: "certificate is not pending revocation" },
    ]);
  });
});

test("an error that is not Cloudflare's goes up untouched, without reading the certificate", async () => {
  const bug = new TypeError("not an API error");
  const reads: string[] = [];
  const client = {
    reactivateClientCertificate: () => Promise.reject(bug),
    getClientCertificate: (zone: string, certificateId: string) => {
      reads.push(`${zone}/${certificateId}`);
      return Promise.resolve({ ...certificate, status: "active" });
    },
  } as unknown as CloudflareClient;
  await expect(reactivateOrAccept(client, zoneId, id, ifRevoked)).rejects.toBe(bug);
  expect(reads).toEqual([]);
});
