import {
  MAX_PEM_FIELD_CHARS,
  MAX_SHORT_FIELD_CHARS,
  MAX_SUBJECT_FIELD_CHARS,
  parseApiCertificate,
  parseApiCertificateList,
  parseResultInfo,
} from "../provider/api-validation";
import { toOutputs } from "../provider/client-certificate-outputs";
import { CloudflareApiError } from "../provider/errors";
import { csrFixture } from "./fixtures/csr-fixtures";

const minimal = {
  id: "9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f",
  certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  csr: csrFixture("ecdsa-p256").replace(/\n/g, "\r\n"),
  status: "active",
  validity_days: 365,
};

/** 1 MiB of BEGIN lines without an END: what made the PEM regex spend seconds per certificate. */
const hugeCsr = "-----BEGIN CERTIFICATE REQUEST-----\n".repeat(Math.ceil(1_048_576 / 36)).slice(0, 1_048_576);

describe("parseApiCertificate", () => {
  test("accepts a certificate with only the fields the provider needs, and outputs leave the rest out", () => {
    const outputs = toOutputs("023e105f4ecef8ad9ca31a8372d0c353", parseApiCertificate(minimal, "reading"));
    expect(outputs).toEqual({
      zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
      certificate: minimal.certificate,
      csr: csrFixture("ecdsa-p256"),
      status: "active",
      validityDays: 365,
    });
  });

  const broken: Array<{ name: string; value: unknown; want: string }> = [
    {
      name: "no certificate",
      value: { ...minimal, certificate: undefined },
      want: "expected certificate to be a non-empty string, got nothing",
    },
    {
      name: "an unknown status",
      value: { ...minimal, status: "deleted" },
      want: 'expected status to be one of active, pending_reactivation, pending_revocation, revoked, got "deleted"',
    },
    { name: "a fractional validity", value: { ...minimal, validity_days: 1.5 }, want: "expected validity_days to be an integer, got 1.5" },
    { name: "a numeric serial", value: { ...minimal, serial_number: 42 }, want: "expected serial_number to be a string, got 42" },
    {
      name: "a CA without name",
      value: { ...minimal, certificate_authority: { id: "x" } },
      want: 'expected certificate_authority to be an object with id and name, got {"id":"x"}',
    },
    { name: "no object at all", value: null, want: "expected the result to be a client certificate object, got null" },
    { name: "a string instead of an object", value: "active", want: 'expected the result to be a client certificate object, got "active"' },
    { name: "an empty id", value: { ...minimal, id: "" }, want: 'expected id to be a non-empty string, got ""' },
    {
      name: "a long unknown status, shown by its first 40 characters",
      value: { ...minimal, status: "s".repeat(100) },
      want: `expected status to be one of active, pending_reactivation, pending_revocation, revoked, got "${"s".repeat(39)}`,
    },
    {
      name: "an overlong CA id",
      value: { ...minimal, certificate_authority: { id: "i".repeat(MAX_SHORT_FIELD_CHARS + 1), name: "Cloudflare" } },
      want: "expected certificate_authority.id to be at most 4096 characters long, got 4097 characters",
    },
    {
      name: "a serial number nested a million arrays deep",
      value: { ...minimal, serial_number: JSON.parse(`${"[".repeat(1e6)}${"]".repeat(1e6)}`) },
      want: "expected serial_number to be a string, got an array nested too deeply to show",
    },
    {
      name: "a 1 MiB csr (issue 8 item 12)",
      value: { ...minimal, csr: hugeCsr },
      want: `expected csr to be at most 131072 characters long, got ${hugeCsr.length} characters`,
    },
    {
      name: "a certificate one character over the limit",
      value: { ...minimal, certificate: "C".repeat(MAX_PEM_FIELD_CHARS + 1) },
      want: "expected certificate to be at most 131072 characters long, got 131073 characters",
    },
    {
      name: "an id of 5000 characters",
      value: { ...minimal, id: "a".repeat(5000) },
      want: "expected id to be at most 4096 characters long, got 5000 characters",
    },
    {
      name: "an overlong serial number",
      value: { ...minimal, serial_number: "0".repeat(MAX_SHORT_FIELD_CHARS + 1) },
      want: "expected serial_number to be at most 4096 characters long, got 4097 characters",
    },
    {
      name: "an overlong common name",
      value: { ...minimal, common_name: "n".repeat(MAX_SUBJECT_FIELD_CHARS + 1) },
      want: "expected common_name to be at most 65536 characters long, got 65537 characters",
    },
    {
      name: "an overlong CA name",
      value: { ...minimal, certificate_authority: { id: "ca", name: "n".repeat(MAX_SHORT_FIELD_CHARS + 1) } },
      want: "expected certificate_authority.name to be at most 4096 characters long, got 4097 characters",
    },
  ];
  test("accepts fields exactly at their length limits", () => {
    const longest = {
      ...minimal,
      certificate: "C".repeat(MAX_PEM_FIELD_CHARS),
      serial_number: "a".repeat(MAX_SHORT_FIELD_CHARS),
      common_name: "n".repeat(MAX_SUBJECT_FIELD_CHARS),
    };
    expect(parseApiCertificate(longest, "reading")).toEqual(longest);
  });

  test("keeps only the fields it knows, so whatever else an answer carries is not held in memory", () => {
    const parsed = parseApiCertificate(
      { ...minimal, certificate_authority: { id: "ca", name: "Cloudflare", extra: "x" }, padding: "x".repeat(1000) },
      "reading",
    );
    expect(parsed).toEqual({ ...minimal, certificate_authority: { id: "ca", name: "Cloudflare" } });
  });

  test("leaves out optional fields sent as null, so outputs never hold null (regression: certificate_authority: null was accepted, then mapping it crashed)", () => {
    const nulls = { certificate_authority: null, issued_on: null, expires_on: null, common_name: null, serial_number: null };
    const parsed = parseApiCertificate({ ...minimal, ...nulls }, "reading");
    expect(parsed).toEqual(minimal);
    expect(Object.keys(toOutputs("023e105f4ecef8ad9ca31a8372d0c353", parsed)).sort()).toEqual([
      "certificate",
      "csr",
      "status",
      "validityDays",
      "zoneId",
    ]);
  });

  test("reads every field Cloudflare documents into its output", () => {
    const full = {
      ...minimal,
      certificate_authority: { id: "ca", name: "Cloudflare Managed CA" },
      issued_on: "2026-11-01T00:00:00Z",
      expires_on: "2027-11-01T00:00:00Z",
      fingerprint_sha256: "ab",
      serial_number: "01",
      signature: "SHA256WithRSA",
      ski: "cd",
      common_name: "api-client.example.com",
      country: "US",
      state: "California",
      location: "San Francisco",
      organization: "Example",
      organizational_unit: "Platform",
    };
    expect(toOutputs("023e105f4ecef8ad9ca31a8372d0c353", parseApiCertificate(full, "reading"), 30)).toEqual({
      zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
      certificate: minimal.certificate,
      certificateAuthority: { id: "ca", name: "Cloudflare Managed CA" },
      csr: csrFixture("ecdsa-p256"),
      status: "active",
      validityDays: 365,
      issuedOn: "2026-11-01T00:00:00Z",
      expiresOn: "2027-11-01T00:00:00Z",
      fingerprintSha256: "ab",
      serialNumber: "01",
      signature: "SHA256WithRSA",
      ski: "cd",
      commonName: "api-client.example.com",
      country: "US",
      state: "California",
      location: "San Francisco",
      organization: "Example",
      organizationalUnit: "Platform",
      renewBeforeDays: 30,
    });
  });

  test.each(broken)("fails loudly on $name", ({ value, want }) => {
    expect(() => parseApiCertificate(value, "reading client certificate")).toThrow(
      new CloudflareApiError(`reading client certificate: Cloudflare broke its API contract: ${want}`),
    );
  });
});

describe("parseApiCertificateList", () => {
  test("reads every certificate of the array", () => {
    expect(parseApiCertificateList([minimal, { ...minimal, id: "0".repeat(32) }], "listing")).toEqual([
      minimal,
      { ...minimal, id: "0".repeat(32) },
    ]);
  });

  test.each([
    { name: "an object", value: { result: [] }, shown: '{"result":[]}' },
    { name: "nothing", value: undefined, shown: "nothing" },
  ])("fails loudly on $name instead of an array", ({ value, shown }) => {
    expect(() => parseApiCertificateList(value, "listing client certificates")).toThrow(
      new CloudflareApiError(
        `listing client certificates: Cloudflare broke its API contract: expected the result to be an array of client certificates, got ${shown}`,
      ),
    );
  });
});

describe("parseResultInfo (mutation survivors of group 3)", () => {
  const complete = { page: 1, per_page: 50, count: 2, total_count: 2 };

  test("reads a block with every number", () => {
    expect(parseResultInfo(complete)).toEqual(complete);
  });

  test.each(["page", "per_page", "count", "total_count"])("ignores a block whose %s is not a number", (field) => {
    expect(parseResultInfo({ ...complete, [field]: String(complete[field as keyof typeof complete]) })).toBeUndefined();
  });

  test.each([null, "page 1", 7])("ignores %p", (value) => {
    expect(parseResultInfo(value)).toBeUndefined();
  });
});
