import { adoptClientCertificate } from "../provider/adopt-client-certificate";
import { inspectCsr } from "../provider/csr";
import { AdoptionError, AuthenticationError, CloudflareApiError, NotFoundError } from "../provider/errors";
import { CODE_CERTIFICATE_NOT_FOUND } from "../provider/http-transport";
import { generateCsr } from "./helpers/csr";
import { rejection } from "./helpers/rejection";
import { apiCertificate, successEnvelope, withRawServer } from "./helpers/raw-server";

// adoptClientCertificate against a raw server: answers the emulator never gives (a 404 that also
// carries 7003, a certificate whose PEM does not parse) and CSRs that differ only in their bytes.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const certificateId = String(apiCertificate(7)["id"]);
const request = (csr: string) => ({ zoneId, certificateId, csr, validityDays: 30 });

/** A server that answers the certificate GET with `status` and `body`. */
const answering = (status: number, body: string) =>
  withRawServer.bind(undefined, (_request, response) => {
    response.writeHead(status, { "content-type": "application/json" }).end(body);
  });
const failure = (status: number, ...errors: Array<{ code: number; message: string }>) =>
  answering(status, JSON.stringify({ success: false, errors, messages: [], result: null }));
const holding = (csr: string, certificate = apiCertificate(7)["certificate"]) =>
  answering(200, successEnvelope({ ...apiCertificate(7), csr, certificate }));

async function adoptionError(promise: Promise<unknown>): Promise<AdoptionError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(AdoptionError);
  return error as AdoptionError;
}

async function adoptionMessage(promise: Promise<unknown>): Promise<string> {
  return (await adoptionError(promise)).message;
}

test("an invalid certificate id is not found, even when the answer also carries code 7003", async () => {
  const { csrPem } = await generateCsr({ commonName: "adopt.example.com" });
  const errors = [
    { code: CODE_CERTIFICATE_NOT_FOUND, message: "Invalid Certificate ID" },
    { code: 7003, message: "Could not route" },
  ];
  await failure(
    404,
    ...errors,
  )(async (server) => {
    const message = await adoptionMessage(adoptClientCertificate(server.client(), request(csrPem), await inspectCsr(csrPem)));
    expect(message).toMatch(new RegExp(`^adopting client certificate ${certificateId} in zone ${zoneId}: not found in zone ${zoneId}:`));
  });
});

test("a refused token goes up as it is, not as an adoption problem", async () => {
  const { csrPem } = await generateCsr({ commonName: "adopt.example.com" });
  await failure(403, { code: 10000, message: "Authentication error" })(async (server) => {
    await expect(adoptClientCertificate(server.client(), request(csrPem), await inspectCsr(csrPem))).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });
});

test("a certificate whose PEM does not parse is refused although its CSR is the program's", async () => {
  const { csrPem } = await generateCsr({ commonName: "adopt.example.com" });
  await holding(csrPem)(async (server) => {
    expect(await adoptionMessage(adoptClientCertificate(server.client(), request(csrPem), await inspectCsr(csrPem)))).toBe(
      `adopting client certificate ${certificateId} in zone ${zoneId}: the certificate Cloudflare returned does not parse as X.509 PEM: ` +
        "adopt another certificate or remove adoptCertificateId to issue a new one; nothing was changed",
    );
  });
});

test("two requests with the same subject and key (ECDSA signs each time anew) are told apart", async () => {
  const ours = await generateCsr({ commonName: "adopt.example.com" });
  const theirs = await generateCsr({ commonName: "adopt.example.com" });
  expect(theirs.csrPem).not.toBe(ours.csrPem);
  await holding(theirs.csrPem)(async (server) => {
    const message = await adoptionMessage(adoptClientCertificate(server.client(), request(ours.csrPem), await inspectCsr(ours.csrPem)));
    expect(message).toContain(": its CSR is not the one in csr (same subject and key, but another request): ");
  });
});

test("an empty subject is named as such", async () => {
  const ours = await generateCsr({ commonName: "adopt.example.com" });
  const theirs = await generateCsr({ commonName: undefined } as unknown as Parameters<typeof generateCsr>[0]);
  await holding(theirs.csrPem)(async (server) => {
    const message = await adoptionMessage(adoptClientCertificate(server.client(), request(ours.csrPem), await inspectCsr(ours.csrPem)));
    expect(message).toContain("(subject (empty) in the certificate, CN=adopt.example.com in csr)");
  });
});

test("a certificate whose CSR this package would not send is still described: an RSA 1024 key is named, not refused", async () => {
  const ours = await generateCsr({ commonName: "adopt.example.com" });
  const theirs = await generateCsr({ commonName: "adopt.example.com", algorithm: "RSA-1024" });
  await holding(theirs.csrPem)(async (server) => {
    const message = await adoptionMessage(adoptClientCertificate(server.client(), request(ours.csrPem), await inspectCsr(ours.csrPem)));
    expect(message).toMatch(/\(key RSA 1024 sha256:[0-9a-f]{16} in the certificate, ECDSA P-256 sha256:[0-9a-f]{16} in csr\)/);
  });
});

test("a certificate whose CSR cannot be read says so, with the reason", async () => {
  const ours = await generateCsr({ commonName: "adopt.example.com" });
  await holding("-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n")(async (server) => {
    const message = await adoptionMessage(adoptClientCertificate(server.client(), request(ours.csrPem), await inspectCsr(ours.csrPem)));
    expect(message).toContain("(the certificate's CSR cannot be read: does not decode as a PKCS#10 certificate signing request; ");
  });
});

test.each([
  {
    name: "an id Cloudflare does not know",
    status: 404,
    errors: [{ code: CODE_CERTIFICATE_NOT_FOUND, message: "Invalid Certificate ID" }],
    cause: NotFoundError,
  },
  { name: "a zone Cloudflare cannot route", status: 404, errors: [{ code: 7003, message: "Could not route" }], cause: CloudflareApiError },
])("$name: the adoption error keeps the API's error as its cause", async ({ status, errors, cause }) => {
  const { csrPem } = await generateCsr({ commonName: "adopt.example.com" });
  await failure(
    status,
    ...errors,
  )(async (server) => {
    const error = await adoptionError(adoptClientCertificate(server.client(), request(csrPem), await inspectCsr(csrPem)));
    expect(error.cause).toBeInstanceOf(cause);
    expect((error.cause as Error).message).toContain(errors[0]?.message ?? "");
  });
});

test("an empty subject in the program's CSR is named as such too", async () => {
  const ours = await generateCsr({ commonName: undefined } as unknown as Parameters<typeof generateCsr>[0]);
  const theirs = await generateCsr({ commonName: "adopt.example.com" });
  await holding(theirs.csrPem)(async (server) => {
    const message = await adoptionMessage(adoptClientCertificate(server.client(), request(ours.csrPem), await inspectCsr(ours.csrPem)));
    expect(message).toContain("(subject CN=adopt.example.com in the certificate, (empty) in csr)");
  });
});
