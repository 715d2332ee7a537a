import { parseApiCertificate } from "../provider/api-validation";
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
    { name: "no certificate", value: { ...minimal, certificate: undefined }, want: "expected certificate to be a non-empty string, got nothing" },
    { name: "an unknown status", value: { ...minimal, status: "deleted" }, want: 'expected status to be one of active, pending_reactivation, pending_revocation, revoked, got "deleted"' },
    { name: "a fractional validity", value: { ...minimal, validity_days: 1.5 }, want: "expected validity_days to be an integer, got 1.5" },
    { name: "a numeric serial", value: { ...minimal, serial_number: 42 }, want: "expected serial_number to be a string, got 42" },
    { name: "a CA without name", value: { ...minimal, certificate_authority: { id: "x" } }, want: 'expected certificate_authority to be an object with id and name, got {"id":"x"}' },
    { name: "no object at all", value: null, want: "expected the result to be a client certificate object, got null" },
  ];
  test.each(broken)("fails loudly on $name", ({ value, want }) => {
    expect(() => parseApiCertificate(value, "reading client certificate")).toThrow(new CloudflareApiError(`reading client certificate: Cloudflare broke its API contract: ${want}`));
  });
});
