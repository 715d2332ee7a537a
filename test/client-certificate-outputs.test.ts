import { X509Certificate } from "node:crypto";
import { ClientCertificateProvider } from "../provider/client-certificate-provider";
import { type ApiClientCertificate } from "../provider/api-types";
import { type ClientCertificateInputs } from "../provider/client-certificate-inputs";
import { type ClientCertificateOutputs } from "../provider/client-certificate-outputs";
import { toOutputs } from "../provider/client-certificate-outputs";
import { withEmulator } from "./helpers/with-emulator";
import { csrFixture } from "./fixtures/csr-fixtures";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const DAY_MS = 86_400_000;

// Every field with a value of its own, so a field mapped from its neighbour shows.
const api: ApiClientCertificate = {
  id: "0123456789abcdef0123456789abcdef",
  certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  certificate_authority: { id: "ca-id", name: "ca-name" },
  csr: csr.replace(/\n/g, "\r\n"),
  status: "pending_revocation",
  validity_days: 30,
  issued_on: "2026-01-02T03:04:05Z",
  expires_on: "2026-02-01T03:04:05Z",
  fingerprint_sha256: "fingerprint",
  serial_number: "serial",
  signature: "SHA256WithRSA",
  ski: "ski",
  common_name: "common name",
  country: "country",
  state: "state",
  location: "location",
  organization: "organization",
  organizational_unit: "organizational unit",
};

describe("toOutputs", () => {
  test("maps every API field to its own output, the CSR in canonical PEM", () => {
    expect(toOutputs(zoneId, api, 7)).toStrictEqual({
      zoneId,
      certificate: api.certificate,
      certificateAuthority: { id: "ca-id", name: "ca-name" },
      csr,
      validityDays: 30,
      status: "pending_revocation",
      issuedOn: "2026-01-02T03:04:05Z",
      expiresOn: "2026-02-01T03:04:05Z",
      fingerprintSha256: "fingerprint",
      serialNumber: "serial",
      signature: "SHA256WithRSA",
      ski: "ski",
      commonName: "common name",
      country: "country",
      state: "state",
      location: "location",
      organization: "organization",
      organizationalUnit: "organizational unit",
      renewBeforeDays: 7,
    });
  });

  test("leaves absent and null fields out, so the engine can encode the outputs", () => {
    const sparse = {
      id: api.id,
      certificate: api.certificate,
      csr,
      status: "active",
      validity_days: 30,
      certificate_authority: null,
      ski: null,
    } as unknown as ApiClientCertificate;
    expect(toOutputs(zoneId, sparse)).toStrictEqual({ zoneId, certificate: api.certificate, csr, validityDays: 30, status: "active" });
  });

  test("leaves out the subject attributes Cloudflare answers as empty, and keeps those the CSR has", () => {
    const answered = {
      ...api,
      common_name: "client",
      country: "",
      state: "",
      location: "",
      organization: "Example",
      organizational_unit: "",
    };
    const outputs = toOutputs(zoneId, answered);
    expect(outputs).toMatchObject({ commonName: "client", organization: "Example" });
    expect(Object.keys(outputs).filter((key) => ["country", "state", "location", "organizationalUnit"].includes(key))).toEqual([]);
    // Not every empty string: a field of another kind keeps what the API said.
    expect(toOutputs(zoneId, { ...api, signature: "" }).signature).toBe("");
  });

  test("keeps a CSR it cannot parse as it came", () => {
    expect(toOutputs(zoneId, { ...api, csr: "not a csr" }).csr).toBe("not a csr");
  });
});

describe("the renewal window through the provider", () => {
  const inputs: ClientCertificateInputs = { zoneId, csr, validityDays: 2, renewBeforeDays: 1 };

  test("create, read and update record renewBeforeDays and the certificate's real expiry", async () => {
    await withEmulator({ revocationDelayMs: Infinity }, async (emulator) => {
      const provider = new ClientCertificateProvider({
        client: { connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } },
      });
      const created = await provider.create(inputs);
      const outs = created.outs as ClientCertificateOutputs;
      expect(outs.renewBeforeDays).toBe(1);
      expect(Date.parse(outs.expiresOn ?? "") - Date.parse(outs.issuedOn ?? "")).toBe(2 * DAY_MS);
      expect(outs.expiresOn).toBe(emulator.certificates(zoneId)[0]?.expiresOn);
      expect(Date.parse(outs.expiresOn ?? "")).toBe(Date.parse(new X509Certificate(outs.certificate).validTo));

      const read = await provider.read(created.id, outs);
      expect(read.props).toStrictEqual(outs);
      expect(read.inputs).toStrictEqual({ zoneId, csr, validityDays: 2, renewBeforeDays: 1 });

      const readWithoutWindow = await provider.read(created.id, { ...outs, renewBeforeDays: undefined });
      expect(readWithoutWindow.inputs).toStrictEqual({ zoneId, csr, validityDays: 2 });
      expect(readWithoutWindow.props).not.toHaveProperty("renewBeforeDays");

      const updated = await provider.update(created.id, outs as unknown as Record<string, unknown>, { ...inputs, renewBeforeDays: 1 });
      expect(updated.outs).toStrictEqual(outs);
    });
  });

  test("diff replaces the certificate once its expiry is inside the window, and not before", async () => {
    const provider = new ClientCertificateProvider();
    const recorded = { zoneId, csr, validityDays: 2, status: "active", renewBeforeDays: 1 };
    const farFromExpiry = { ...recorded, expiresOn: new Date(Date.now() + 2 * DAY_MS).toISOString() };
    const insideWindow = { ...recorded, expiresOn: new Date(Date.now() + DAY_MS / 2).toISOString() };
    expect(await provider.diff("0123456789abcdef0123456789abcdef", farFromExpiry, inputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff("0123456789abcdef0123456789abcdef", insideWindow, inputs)).toEqual({
      changes: true,
      replaces: ["expiresOn"],
      deleteBeforeReplace: false,
    });
  });
});
