import { callApi } from "../helpers/call-api";
import { generateCsr } from "../helpers/csr";
import { startEmulator, type Emulator } from "../../emulator/index";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const collection = `/zones/${zoneId}/client_certificates`;
const DAY_MS = 86_400_000;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

describe("POST /zones/:zone_id/client_certificates", () => {
  test("issues an active certificate and fills every field from the CSR and the signed certificate", async () => {
    const { csrPem } = await generateCsr({
      commonName: "client.example.com",
      organization: "Example Inc",
      organizationalUnit: "Platform",
      country: "US",
      state: "California",
      locality: "San Francisco",
    });
    const reply = await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 3650 } });

    expect(reply.status).toBe(200);
    expect(reply.envelope).toMatchObject({ success: true, errors: [], messages: [] });
    const result = reply.envelope.result;
    expect(result).toMatchObject({
      common_name: "client.example.com",
      organization: "Example Inc",
      organizational_unit: "Platform",
      country: "US",
      state: "California",
      location: "San Francisco",
      status: "active",
      validity_days: 3650,
      signature: "SHA256WithRSA",
      certificate_authority: { id: emulator.certificateAuthority.id, name: "Cloudflare Managed CA for account" },
    });
    expect(result?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(result?.certificate_authority.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(result?.certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----$/);
    expect(result?.serial_number).toMatch(/^[0-9a-f]{40}$/);
    expect(result?.fingerprint_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result?.ski).toMatch(/^[0-9a-f]{40}$/);
    expect(result?.issued_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const issued = Date.parse(result?.issued_on ?? "");
    expect(Date.parse(result?.expires_on ?? "") - issued).toBe(3650 * DAY_MS);
    expect(Math.abs(issued - Date.now())).toBeLessThan(60_000);
  });

  test("reports subject fields absent from the CSR as empty strings", async () => {
    const { csrPem } = await generateCsr({ commonName: "bare.example.com" });
    const { envelope } = await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 1 } });
    expect(envelope.result).toMatchObject({
      common_name: "bare.example.com",
      organization: "",
      organizational_unit: "",
      country: "",
      state: "",
      location: "",
    });
  });

  test.each([
    { name: "LF", lineEnding: "\n" as const },
    { name: "CRLF", lineEnding: "\r\n" as const },
  ])("accepts a CSR with $name line endings and echoes it with CRLF, as Cloudflare does", async ({ lineEnding }) => {
    const { csrPem } = await generateCsr({ commonName: "crlf.example.com", lineEnding });
    const { status, envelope } = await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 30 } });
    expect(status).toBe(200);
    expect(envelope.result?.csr).toBe(csrPem.replace(/\r?\n/g, "\r\n"));
    expect(envelope.result?.csr).not.toMatch(/[^\r]\n/);
  });

  test.each([
    { algorithm: "RSA-2048" as const },
    { algorithm: "RSA-3072" as const },
    { algorithm: "RSA-4096" as const },
    { algorithm: "ECDSA-P256" as const },
    { algorithm: "ECDSA-P384" as const },
  ])("accepts a $algorithm CSR", async ({ algorithm }) => {
    const { csrPem } = await generateCsr({ commonName: `${algorithm.toLowerCase()}.example.com`, algorithm });
    const { status, envelope } = await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 30 } });
    expect(status).toBe(200);
    expect(envelope.result?.common_name).toBe(`${algorithm.toLowerCase()}.example.com`);
  });

  test("stores the certificate so that GET, list and the emulator's state all show it", async () => {
    const { csrPem } = await generateCsr({ commonName: "stored.example.com" });
    const created = (await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 30 } })).envelope
      .result;
    const fetched = (await callApi(emulator, { path: `${collection}/${created?.id ?? ""}` })).envelope.result;
    const listed = (await callApi(emulator, { path: collection })).envelope.result as unknown as unknown[];
    expect(fetched).toEqual(created);
    expect(listed).toEqual([created]);
    expect(emulator.certificates(zoneId).map((certificate) => certificate.resource)).toEqual([created]);
  });
});

describe("POST /zones/:zone_id/client_certificates rejects bad input with 400 and stores nothing", () => {
  let validCsr: string;
  beforeAll(async () => {
    validCsr = (await generateCsr({ commonName: "valid.example.com" })).csrPem;
  });

  const tamper = (pem: string) => {
    // Flip one bit in the signature, the last bytes of the DER.
    const base64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    const der = Buffer.from(base64, "base64");
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
    const body =
      der
        .toString("base64")
        .match(/.{1,64}/g)
        ?.join("\n") ?? "";
    return `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`;
  };

  const cases: { name: string; body: () => Promise<unknown> | unknown; code: number; message: RegExp }[] = [
    { name: "malformed JSON", body: () => '{"csr": ', code: 1400, message: /^Unable to decode the JSON request body/ },
    { name: "a JSON array", body: () => "[]", code: 1400, message: /^Unable to decode the JSON request body/ },
    { name: "no csr", body: () => ({ validity_days: 30 }), code: 1401, message: /csr field is required/ },
    { name: "a non-string csr", body: () => ({ csr: 42, validity_days: 30 }), code: 1401, message: /csr field is required/ },
    { name: "a csr that is not PEM", body: () => ({ csr: "hello", validity_days: 30 }), code: 1402, message: /no PEM block/ },
    {
      name: "a PEM body that is not base64",
      body: () => ({ csr: "-----BEGIN CERTIFICATE REQUEST-----\n%%%%\n-----END CERTIFICATE REQUEST-----", validity_days: 30 }),
      code: 1402,
      message: /not valid base64/,
    },
    {
      name: "base64 that is not a PKCS#10 request",
      body: () => ({ csr: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", validity_days: 30 }),
      code: 1402,
      message: /not a PKCS#10 certificate request/,
    },
    { name: "two CSRs", body: () => ({ csr: validCsr + validCsr, validity_days: 30 }), code: 1402, message: /more than one/ },
    {
      name: "a literal \\n instead of newlines",
      body: () => ({ csr: validCsr.replace(/\n/g, "\\n"), validity_days: 30 }),
      code: 1402,
      message: /base64/,
    },
    {
      name: "a bad self-signature",
      body: () => ({ csr: tamper(validCsr), validity_days: 30 }),
      code: 1403,
      message: /signature is invalid/,
    },
    {
      name: "an RSA 1024 key",
      body: async () => ({ csr: (await generateCsr({ commonName: "weak.example.com", algorithm: "RSA-1024" })).csrPem, validity_days: 30 }),
      code: 1405,
      message: /at least 2048 bits, this one has 1024/,
    },
    {
      name: "an Ed25519 key",
      body: async () => ({ csr: (await generateCsr({ commonName: "ed.example.com", algorithm: "Ed25519" })).csrPem, validity_days: 30 }),
      code: 1405,
      message: /Ed25519 keys are not supported/,
    },
    { name: "no validity_days", body: () => ({ csr: validCsr }), code: 1404, message: /validity_days/ },
    { name: "validity_days 0", body: () => ({ csr: validCsr, validity_days: 0 }), code: 1404, message: /positive integer/ },
    { name: "negative validity_days", body: () => ({ csr: validCsr, validity_days: -1 }), code: 1404, message: /positive integer/ },
    { name: "fractional validity_days", body: () => ({ csr: validCsr, validity_days: 1.5 }), code: 1404, message: /positive integer/ },
    { name: "validity_days as a string", body: () => ({ csr: validCsr, validity_days: "365" }), code: 1404, message: /positive integer/ },
    {
      name: "validity past the year 9999",
      body: () => ({ csr: validCsr, validity_days: 3_000_000 }),
      code: 1404,
      message: /validity_days/,
    },
  ];

  test.each(cases)("$name: code $code", async ({ body, code, message }) => {
    const reply = await callApi(emulator, { method: "POST", path: collection, body: await body() });
    expect(reply.status).toBe(400);
    expect(reply.envelope).toMatchObject({ success: false, messages: [], result: null });
    expect(reply.envelope.errors).toHaveLength(1);
    expect(reply.envelope.errors[0]?.code).toBe(code);
    expect(reply.envelope.errors[0]?.message).toMatch(message);
    expect(emulator.certificates()).toEqual([]);
  });
});
