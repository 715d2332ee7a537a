import { checkClientCertificateInputs, describeValue, MAX_VALIDITY_DAYS } from "../provider/client-certificate-inputs";
import { normalizeLineEndings } from "../provider/csr";
import { UNKNOWN } from "../provider/unknown";
import { csrFixture } from "./fixtures/csr-fixtures";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");
const valid = { zoneId, csr, validityDays: 365 };

describe("checkClientCertificateInputs", () => {
  test("accepts valid inputs and returns the CSR in canonical form", async () => {
    const { inputs, failures } = await checkClientCertificateInputs({ ...valid, csr: csr.replace(/\n/g, "\r\n").trimEnd() });
    expect(failures).toEqual([]);
    expect(inputs).toEqual(valid);
  });

  test("accepts a CSR given with literal \\n escapes, as environment variables often carry it", async () => {
    const { inputs, failures } = await checkClientCertificateInputs({ ...valid, csr: csr.trim().replace(/\n/g, "\\n") });
    expect(failures).toEqual([]);
    expect(inputs["csr"]).toBe(csr);
  });

  test("accepts a renewal window shorter than the validity", async () => {
    expect((await checkClientCertificateInputs({ ...valid, renewBeforeDays: 30 })).failures).toEqual([]);
  });

  test("lets unknown preview values through untouched", async () => {
    const news = { zoneId: UNKNOWN, csr: UNKNOWN, validityDays: UNKNOWN };
    expect(await checkClientCertificateInputs(news)).toEqual({ inputs: news, failures: [] });
  });

  const cases: Array<{ name: string; input: Record<string, unknown>; property: string; reason: RegExp }> = [
    { name: "a missing zone", input: { ...valid, zoneId: undefined }, property: "zoneId", reason: /^zoneId is required/ },
    {
      name: "a zone name instead of its id",
      input: { ...valid, zoneId: "example.com" },
      property: "zoneId",
      reason: /^zoneId must be 32 lowercase hex characters \(got 11 characters\)/,
    },
    {
      name: "an uppercase zone id",
      input: { ...valid, zoneId: zoneId.toUpperCase() },
      property: "zoneId",
      reason: /^zoneId must be lowercase hex/,
    },
    {
      name: "a one-character zone id",
      input: { ...valid, zoneId: "x" },
      property: "zoneId",
      reason: /^zoneId must be 32 lowercase hex characters \(got 1 character\);/,
    },
    { name: "a numeric zone id", input: { ...valid, zoneId: 42 }, property: "zoneId", reason: /^zoneId must be a string, got number/ },
    {
      name: "a missing validity",
      input: { ...valid, validityDays: undefined },
      property: "validityDays",
      reason: /^validityDays is required/,
    },
    {
      name: "a fractional validity",
      input: { ...valid, validityDays: 1.5 },
      property: "validityDays",
      reason: /^validityDays must be a whole number of days, got 1.5/,
    },
    {
      name: "a validity given as text",
      input: { ...valid, validityDays: "365" },
      property: "validityDays",
      reason: /^validityDays must be a whole number of days, got "365"/,
    },
    {
      name: "a zero validity",
      input: { ...valid, validityDays: 0 },
      property: "validityDays",
      reason: /^validityDays must be between 1 and 5475 days \(15 years\), got 0/,
    },
    {
      name: "a validity over 15 years",
      input: { ...valid, validityDays: MAX_VALIDITY_DAYS + 1 },
      property: "validityDays",
      reason: /got 5476$/,
    },
    {
      name: "a missing CSR",
      input: { ...valid, csr: undefined },
      property: "csr",
      reason: /^csr is required: a PEM certificate signing request/,
    },
    { name: "a blank CSR", input: { ...valid, csr: "  \n" }, property: "csr", reason: /^csr is required/ },
    {
      name: "a private key instead of a CSR",
      input: { ...valid, csr: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----" },
      property: "csr",
      reason: /^csr is not a PEM certificate signing request/,
    },
    {
      name: "a CSR with a weak RSA key",
      input: { ...valid, csr: csrFixture("rsa-1024") },
      property: "csr",
      reason: /^csr has an RSA key of 1024 bits/,
    },
    {
      name: "a tampered CSR",
      input: { ...valid, csr: csrFixture("ecdsa-p256-bad-signature") },
      property: "csr",
      reason: /^csr has a signature that does not verify/,
    },
    {
      name: "a renewal window as long as the validity",
      input: { ...valid, renewBeforeDays: 365 },
      property: "renewBeforeDays",
      reason: /^renewBeforeDays \(365\) must be less than validityDays \(365\), or every deployment would replace the certificate$/,
    },
    {
      name: "a zero renewal window",
      input: { ...valid, renewBeforeDays: 0 },
      property: "renewBeforeDays",
      reason: /^renewBeforeDays must be a whole number of days of at least 1, got 0; leave it unset/,
    },
    { name: "a huge CSR", input: { ...valid, csr: "x".repeat(70_000) }, property: "csr", reason: /^csr is 70000 characters long/ },
    // Regression: NaN and Infinity were reported as "got null", and a BigInt made check throw.
    {
      name: "a NaN validity",
      input: { ...valid, validityDays: NaN },
      property: "validityDays",
      reason: /^validityDays must be a whole number of days, got NaN$/,
    },
    {
      name: "an infinite validity",
      input: { ...valid, validityDays: Infinity },
      property: "validityDays",
      reason: /^validityDays must be a whole number of days, got Infinity$/,
    },
    {
      name: "a BigInt validity",
      input: { ...valid, validityDays: 365n },
      property: "validityDays",
      reason: /^validityDays must be a whole number of days, got the BigInt 365n \(use a plain number\)$/,
    },
    {
      name: "a BigInt renewal window",
      input: { ...valid, renewBeforeDays: 30n },
      property: "renewBeforeDays",
      reason: /^renewBeforeDays must be a whole number of days of at least 1, got the BigInt 30n/,
    },
    {
      name: "a negative infinite renewal window",
      input: { ...valid, renewBeforeDays: -Infinity },
      property: "renewBeforeDays",
      reason: /got -Infinity;/,
    },
    {
      name: "a CSR with bytes after its DER",
      input: { ...valid, csr: withTrailingBytes(csr) },
      property: "csr",
      reason: /^csr has 4 bytes after the end of the request: it was cut or padded/,
    },
    {
      name: "a CSR signed with SHA-1",
      input: { ...valid, csr: csrFixture("rsa-2048-sha1") },
      property: "csr",
      reason: /^csr is signed with SHA-1, which is not accepted; sign it with SHA-256, SHA-384, SHA-512/,
    },
  ];
  test.each(cases)("reports $name on $property", async ({ input, property, reason }) => {
    const { failures } = await checkClientCertificateInputs(input);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe(property);
    expect(failures[0]?.reason).toMatch(reason);
  });

  test.each([null, undefined, "text", 42, [valid]])(
    "returns failures instead of throwing for the input object %p (regression: null threw)",
    async (news) => {
      const { failures } = await checkClientCertificateInputs(news);
      expect(failures.map((failure) => failure.property)).toEqual(["zoneId", "validityDays", "csr"]);
      expect(failures.every((failure) => / is required/.test(failure.reason))).toBe(true);
    },
  );

  test("reports every bad property at once", async () => {
    const { failures } = await checkClientCertificateInputs({ zoneId: "nope", csr: "nope", validityDays: -1 });
    expect(failures.map((failure) => failure.property)).toEqual(["zoneId", "validityDays", "csr"]);
  });

  test("never echoes the CSR body into a failure reason", async () => {
    const { failures } = await checkClientCertificateInputs({ ...valid, csr: csrFixture("ecdsa-p256-bad-signature") });
    const body = csr.split("\n")[1] ?? "";
    expect(body.length).toBeGreaterThan(20);
    expect(JSON.stringify(failures)).not.toContain(body.slice(0, 20));
  });
});

/** The same CSR with four zero bytes appended to its DER. */
function withTrailingBytes(pem: string): string {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const padded = Buffer.concat([Buffer.from(body, "base64"), Buffer.alloc(4)]).toString("base64");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${padded.match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE REQUEST-----\n`;
}

describe("the CSR recorded for an existing resource", () => {
  // A fixture that fails inspection shows whether the CSR was inspected: a recorded request passed
  // inspection when its resource was created, so it is not inspected again.
  const tampered = csrFixture("ecdsa-p256-bad-signature");

  test("is not inspected again when the program still gives the same request, in any line ending", async () => {
    const recorded = { ...valid, csr: tampered };
    const { inputs, failures } = await checkClientCertificateInputs({ ...valid, csr: tampered.replace(/\n/g, "\r\n") }, recorded);
    expect(failures).toEqual([]);
    expect(inputs["csr"]).toBe(normalizeLineEndings(tampered));
  });

  test("is inspected for a new resource, and a changed CSR is inspected on an existing one", async () => {
    expect((await checkClientCertificateInputs({ ...valid, csr: tampered })).failures).toEqual([
      expect.objectContaining({ property: "csr", reason: expect.stringMatching(/^csr has a signature that does not verify/) }),
    ]);
    expect((await checkClientCertificateInputs({ ...valid, csr: tampered }, valid)).failures).toEqual([
      expect.objectContaining({ property: "csr", reason: expect.stringMatching(/^csr has a signature that does not verify/) }),
    ]);
  });

  test("does not vouch for text that is not a CSR", async () => {
    const { failures } = await checkClientCertificateInputs({ ...valid, csr: "not a csr" }, { ...valid, csr: "not a csr" });
    expect(failures.map((failure) => failure.property)).toEqual(["csr"]);
  });
});

describe("coexistingCertificateIds", () => {
  const id = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";

  test("accepts a list of certificate ids and keeps it, also on an existing resource (a replacement issues too)", async () => {
    expect(await checkClientCertificateInputs({ ...valid, coexistingCertificateIds: [id] })).toEqual({
      inputs: { ...valid, coexistingCertificateIds: [id] },
      failures: [],
    });
    expect((await checkClientCertificateInputs({ ...valid, coexistingCertificateIds: [id] }, valid)).inputs).toMatchObject({
      coexistingCertificateIds: [id],
    });
  });

  test("passes unknown values through at preview", async () => {
    expect((await checkClientCertificateInputs({ ...valid, coexistingCertificateIds: UNKNOWN })).failures).toEqual([]);
    expect((await checkClientCertificateInputs({ ...valid, coexistingCertificateIds: [id, UNKNOWN] })).failures).toEqual([]);
  });

  test.each([
    [id, `coexistingCertificateIds must be a list of certificate ids, got "${id}"`],
    [[id, "ABC"], "coexistingCertificateIds [1] must be 32 lowercase hex characters (got 3 characters)"],
    [[42], "coexistingCertificateIds [0] must be a string, got number"],
    [Array.from({ length: 101 }, () => id), "coexistingCertificateIds lists 101 certificates; at most 100 are accepted"],
  ])("refuses %j, naming the property", async (value, reason) => {
    const { failures } = await checkClientCertificateInputs({ ...valid, coexistingCertificateIds: value });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe("coexistingCertificateIds");
    expect(failures[0]?.reason).toContain(reason);
  });
});

describe("the bounds are inclusive (mutation survivors of group 3)", () => {
  const idOf = (index: number) => index.toString(16).padStart(32, "0");

  test.each([1, MAX_VALIDITY_DAYS])("accepts validityDays %i", async (validityDays) => {
    expect((await checkClientCertificateInputs({ ...valid, validityDays })).failures).toEqual([]);
  });

  test.each([0, MAX_VALIDITY_DAYS + 1])("refuses validityDays %i", async (validityDays) => {
    expect((await checkClientCertificateInputs({ ...valid, validityDays })).failures.map((failure) => failure.property)).toEqual([
      "validityDays",
    ]);
  });

  test("accepts renewBeforeDays 1 and refuses 0", async () => {
    expect((await checkClientCertificateInputs({ ...valid, renewBeforeDays: 1 })).failures).toEqual([]);
    expect((await checkClientCertificateInputs({ ...valid, renewBeforeDays: 0 })).failures.map((failure) => failure.property)).toEqual([
      "renewBeforeDays",
    ]);
  });

  test("accepts 100 coexisting certificate ids and refuses 101", async () => {
    const ids = (count: number) => Array.from({ length: count }, (_, index) => idOf(index));
    expect((await checkClientCertificateInputs({ ...valid, coexistingCertificateIds: ids(100) })).failures).toEqual([]);
    expect((await checkClientCertificateInputs({ ...valid, coexistingCertificateIds: ids(101) })).failures).toEqual([
      { property: "coexistingCertificateIds", reason: "coexistingCertificateIds lists 101 certificates; at most 100 are accepted" },
    ]);
  });

  test("a CSR of exactly 65,536 characters is parsed, not refused for its length", async () => {
    // Trailing blank lines pad the PEM; the CSR itself is valid, so no failure at all.
    const padded = csr.trimEnd() + "\n".repeat(65_536 - csr.trimEnd().length);
    expect(padded).toHaveLength(65_536);
    expect((await checkClientCertificateInputs({ ...valid, csr: padded })).failures).toEqual([]);
    const tooLong = `${padded}\n`;
    expect((await checkClientCertificateInputs({ ...valid, csr: tooLong })).failures).toEqual([
      {
        property: "csr",
        reason: "csr is 65537 characters long; a certificate signing request is a few kilobytes, check that the right file was read",
      },
    ]);
  });

  test("names a function or symbol given as a value by its type", async () => {
    const failures = (await checkClientCertificateInputs({ ...valid, validityDays: () => 1 })).failures;
    expect(failures).toEqual([{ property: "validityDays", reason: "validityDays must be a whole number of days, got a function" }]);
    const symbol = (await checkClientCertificateInputs({ ...valid, validityDays: Symbol("x") })).failures;
    expect(symbol).toEqual([{ property: "validityDays", reason: "validityDays must be a whole number of days, got a symbol" }]);
  });
});

describe("describeValue", () => {
  test.each([
    { name: "40 characters of JSON whole", value: "s".repeat(38), want: `"${"s".repeat(38)}"` },
    { name: "41 characters of JSON cut to 40 and an ellipsis", value: "s".repeat(39), want: `"${"s".repeat(39)}…` },
    { name: "NaN as itself", value: Number.NaN, want: "NaN" },
    { name: "a BigInt with its type", value: 5n, want: "the BigInt 5n (use a plain number)" },
    {
      name: "an object that refers to itself by its type",
      value: (() => {
        const loop: Record<string, unknown> = {};
        loop["self"] = loop;
        return loop;
      })(),
      want: "object",
    },
  ])("shows $name", ({ value, want }) => {
    expect(describeValue(value)).toBe(want);
  });
});

test("olds holding only __provider (a resource not created yet) do not make adoptCertificateId an existing resource's input", async () => {
  const adoptCertificateId = "9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f";
  const { inputs } = await checkClientCertificateInputs({ ...valid, adoptCertificateId }, { __provider: "exports.handler = …" });
  expect(inputs["adoptCertificateId"]).toBe(adoptCertificateId);
});
