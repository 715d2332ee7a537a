import { CsrError, MAX_CSR_TEXT_CHARS, csrDer, csrPem, inspectCsr, normalizeLineEndings, sameCsr } from "../provider/csr";
import { csrFixture } from "./fixtures/csr-fixtures";

const pem = csrFixture("ecdsa-p256");
const crlf = pem.replace(/\n/g, "\r\n");
const escaped = pem.trim().replace(/\n/g, "\\n");
const rewrapped = `-----BEGIN CERTIFICATE REQUEST-----\n${pem.split("\n").slice(1, -2).join("")}\n-----END CERTIFICATE REQUEST-----`;

describe("sameCsr", () => {
  const cases: Array<{ name: string; a: string; b: string; want: boolean }> = [
    { name: "identical text", a: pem, b: pem, want: true },
    { name: "CRLF line endings", a: pem, b: crlf, want: true },
    { name: "no trailing newline", a: pem, b: pem.trimEnd(), want: true },
    { name: "extra trailing newlines and spaces", a: pem, b: `${pem}\n\n  `, want: true },
    { name: "literal \\n escapes", a: pem, b: escaped, want: true },
    { name: "one long base64 line", a: pem, b: rewrapped, want: true },
    { name: "NEW CERTIFICATE REQUEST label", a: pem, b: pem.replace(/CERTIFICATE REQUEST/g, "NEW CERTIFICATE REQUEST"), want: true },
    { name: "another request", a: pem, b: csrFixture("ecdsa-p256-other"), want: false },
    { name: "another request with CRLF", a: pem, b: csrFixture("rsa-2048").replace(/\n/g, "\r\n"), want: false },
  ];
  test.each(cases)("$name -> $want", ({ a, b, want }) => {
    expect(sameCsr(a, b)).toBe(want);
  });
});

describe("csrDer and csrPem", () => {
  test("canonical PEM round-trips to the same DER with 64-column lines and a trailing newline", () => {
    const canonical = csrPem(csrDer(crlf));
    expect(canonical).toBe(pem);
    expect(canonical.split("\n").every((line) => line.length <= 64)).toBe(true);
  });

  test("normalizeLineEndings turns CRLF, CR and escaped newlines into LF", () => {
    expect(normalizeLineEndings("a\r\nb\rc\\nd\\r\\ne")).toBe("a\nb\nc\nd\ne");
  });

  const invalid: Array<{ name: string; input: string; want: RegExp }> = [
    {
      name: "a certificate instead of a CSR",
      input: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
      want: /expected a "-----BEGIN CERTIFICATE REQUEST-----" block/,
    },
    { name: "two requests", input: pem + pem, want: /holds 2 certificate signing requests/ },
    {
      name: "broken base64",
      input: "-----BEGIN CERTIFICATE REQUEST-----\nnot*base64\n-----END CERTIFICATE REQUEST-----",
      want: /not valid base64/,
    },
    {
      name: "a BEGIN line without an END line",
      input: pem.replace(/-----END.*/, ""),
      want: /expected a "-----BEGIN CERTIFICATE REQUEST-----" block/,
    },
    {
      name: "thousands of BEGIN lines without an END line",
      input: "-----BEGIN CERTIFICATE REQUEST-----\n".repeat(3000),
      want: /expected a "-----BEGIN CERTIFICATE REQUEST-----" block/,
    },
    {
      name: "a BEGIN line inside a block, which runs from the first BEGIN",
      input: `-----BEGIN CERTIFICATE REQUEST-----\n${pem}`,
      want: /not valid base64/,
    },
    {
      name: "text one character longer than MAX_CSR_TEXT_CHARS, before looking for a block (issue 8 item 12)",
      input: pem + " ".repeat(MAX_CSR_TEXT_CHARS + 1 - pem.length),
      want: new RegExp(
        `^csr is ${MAX_CSR_TEXT_CHARS + 1} characters long, more than the ${MAX_CSR_TEXT_CHARS} a certificate signing request can take`,
      ),
    },
  ];
  const found: Array<{ name: string; input: string }> = [
    { name: "a stray END line before the block", input: `-----END CERTIFICATE REQUEST-----\n${pem}` },
    { name: "text around the block", input: `subject=CN=p256\n${pem}trailing words\n` },
    { name: "text exactly MAX_CSR_TEXT_CHARS long", input: pem + " ".repeat(MAX_CSR_TEXT_CHARS - pem.length) },
  ];
  test.each(found)("finds the one block despite $name", ({ input }) => {
    expect(csrPem(csrDer(input))).toBe(pem);
  });

  test.each(invalid)("rejects $name", ({ input, want }) => {
    expect(() => csrDer(input)).toThrow(CsrError);
    expect(() => csrDer(input)).toThrow(want);
  });
});

describe("inspectCsr", () => {
  const accepted: Array<{ fixture: Parameters<typeof csrFixture>[0]; key: string; subject: RegExp }> = [
    { fixture: "rsa-2048", key: "RSA 2048", subject: /CN=rsa2048\.example\.com/ },
    { fixture: "ecdsa-p256", key: "ECDSA P-256", subject: /CN=p256\.example\.com/ },
    { fixture: "ecdsa-p384", key: "ECDSA P-384", subject: /CN=p384\.example\.com/ },
  ];
  test.each(accepted)("accepts $fixture as $key", async ({ fixture, key, subject }) => {
    const facts = await inspectCsr(csrFixture(fixture).replace(/\n/g, "\r\n"));
    expect(facts.keyDescription).toBe(key);
    expect(facts.subject).toMatch(subject);
    expect(facts.pem).toBe(csrFixture(fixture));
    expect(facts.publicKeySha256).toMatch(/^[0-9a-f]{64}$/);
  });

  const rejected: Array<{ fixture: Parameters<typeof csrFixture>[0]; want: RegExp }> = [
    { fixture: "rsa-1024", want: /an RSA key of 1024 bits; Cloudflare signs RSA 2048 to 4096 bits, or ECDSA on P-256 or P-384/ },
    { fixture: "ecdsa-p521", want: /an ECDSA key on curve secp521r1/ },
    { fixture: "ed25519", want: /a key of type ed25519/ },
    { fixture: "ecdsa-p256-bad-signature", want: /signature that does not verify with its own public key/ },
  ];
  test.each(rejected)("rejects $fixture", async ({ fixture, want }) => {
    const error = await inspectCsr(csrFixture(fixture)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CsrError);
    expect((error as CsrError).message).toMatch(want);
  });

  test("rejects DER that is not a PKCS#10 request", async () => {
    const garbage = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from("definitely not asn.1 data").toString("base64")}\n-----END CERTIFICATE REQUEST-----`;
    await expect(inspectCsr(garbage)).rejects.toThrow(/does not decode as a PKCS#10 certificate signing request/);
  });
});
