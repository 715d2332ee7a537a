import { diffClientCertificate } from "../provider/client-certificate-diff";
import { UNKNOWN } from "../provider/unknown";
import { csrFixture } from "./fixtures/csr-fixtures";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const inputs = { zoneId, csr, validityDays: 365 };
const recorded = { ...inputs, status: "active", certificate: "-----BEGIN CERTIFICATE-----…", __provider: "exports.handler = …" };

describe("diffClientCertificate", () => {
  const cases: Array<{
    name: string;
    olds: Record<string, unknown>;
    news: Record<string, unknown>;
    want: { changes: boolean; replaces: string[] };
  }> = [
    { name: "nothing changed", olds: recorded, news: inputs, want: { changes: false, replaces: [] } },
    {
      name: "the API's CRLF echo of the same CSR",
      olds: { ...recorded, csr: csr.replace(/\n/g, "\r\n") },
      news: inputs,
      want: { changes: false, replaces: [] },
    },
    {
      name: "the same CSR without trailing newline",
      olds: recorded,
      news: { ...inputs, csr: csr.trimEnd() },
      want: { changes: false, replaces: [] },
    },
    {
      name: "the same CSR with escaped newlines",
      olds: recorded,
      news: { ...inputs, csr: csr.trim().replace(/\n/g, "\\n") },
      want: { changes: false, replaces: [] },
    },
    {
      name: "another provider serialization",
      olds: { ...recorded, __provider: "other" },
      news: inputs,
      want: { changes: false, replaces: [] },
    },
    {
      name: "coexisting certificates declared",
      olds: recorded,
      news: { ...inputs, coexistingCertificateIds: ["0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"] },
      want: { changes: false, replaces: [] },
    },
    { name: "another CSR", olds: recorded, news: { ...inputs, csr: csrFixture("rsa-2048") }, want: { changes: true, replaces: ["csr"] } },
    {
      name: "another validity",
      olds: recorded,
      news: { ...inputs, validityDays: 730 },
      want: { changes: true, replaces: ["validityDays"] },
    },
    { name: "another zone", olds: recorded, news: { ...inputs, zoneId: "f".repeat(32) }, want: { changes: true, replaces: ["zoneId"] } },
    {
      name: "a zone unknown during preview",
      olds: recorded,
      news: { ...inputs, zoneId: UNKNOWN },
      want: { changes: true, replaces: ["zoneId"] },
    },
    {
      name: "a validity unknown during preview",
      olds: recorded,
      news: { ...inputs, validityDays: UNKNOWN },
      want: { changes: true, replaces: ["validityDays"] },
    },
    { name: "a CSR unknown during preview", olds: recorded, news: { ...inputs, csr: UNKNOWN }, want: { changes: true, replaces: ["csr"] } },
    {
      name: "a certificate refresh found revoked",
      olds: { ...recorded, status: "revoked" },
      news: inputs,
      want: { changes: true, replaces: ["status"] },
    },
    {
      name: "a certificate refresh found pending revocation",
      olds: { ...recorded, status: "pending_revocation" },
      news: inputs,
      want: { changes: true, replaces: [] },
    },
    {
      name: "a certificate pending reactivation",
      olds: { ...recorded, status: "pending_reactivation" },
      news: inputs,
      want: { changes: false, replaces: [] },
    },
  ];
  test.each(cases)("$name", ({ olds, news, want }) => {
    expect(diffClientCertificate(olds, news)).toEqual({ ...want, deleteBeforeReplace: false });
  });

  const now = Date.parse("2026-11-29T00:00:00Z");
  const expiring = { ...recorded, expiresOn: "2026-12-20T00:00:00Z", renewBeforeDays: 30 };
  const renewals: Array<{
    name: string;
    olds: Record<string, unknown>;
    news: Record<string, unknown>;
    want: { changes: boolean; replaces: string[] };
  }> = [
    {
      name: "renews a certificate inside its renewal window",
      olds: expiring,
      news: { ...inputs, renewBeforeDays: 30 },
      want: { changes: true, replaces: ["expiresOn"] },
    },
    {
      name: "keeps a certificate outside its renewal window",
      olds: expiring,
      news: { ...inputs, renewBeforeDays: 14 },
      want: { changes: true, replaces: [] },
    },
    {
      name: "never renews without a renewal window",
      olds: { ...expiring, renewBeforeDays: undefined },
      news: inputs,
      want: { changes: false, replaces: [] },
    },
    {
      name: "renews a certificate exactly renewBeforeDays before it expires (21 days)",
      olds: { ...expiring, renewBeforeDays: 21 },
      news: { ...inputs, renewBeforeDays: 21 },
      want: { changes: true, replaces: ["expiresOn"] },
    },
    {
      name: "keeps a certificate one day outside its renewal window (21 days before expiry, renewing 20 days before)",
      olds: { ...expiring, renewBeforeDays: 20 },
      news: { ...inputs, renewBeforeDays: 20 },
      want: { changes: false, replaces: [] },
    },
    {
      name: "renews a certificate that already expired",
      olds: { ...expiring, expiresOn: "2026-01-01T00:00:00Z" },
      news: { ...inputs, renewBeforeDays: 30 },
      want: { changes: true, replaces: ["expiresOn"] },
    },
  ];
  test.each(renewals)("$name", ({ olds, news, want }) => {
    expect(diffClientCertificate(olds, news, now)).toEqual({ ...want, deleteBeforeReplace: false });
  });
});
