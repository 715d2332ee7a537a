import { CsrError, MAX_CSR_TEXT_CHARS, csrDer, csrPem, inspectCsr, normalizeLineEndings, sameCsr } from "../provider/csr";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";
import { csrFixture } from "./fixtures/csr-fixtures";
import { contentLength, derChildren, fixtureDer, paddedLength, tlv, withLengthField } from "./helpers/der";

const pem = csrFixture("ecdsa-p256");
const crlf = pem.replace(/\n/g, "\r\n");
const escaped = pem.trim().replace(/\n/g, "\\n");
const rewrapped = `-----BEGIN CERTIFICATE REQUEST-----\n${pem.split("\n").slice(1, -2).join("")}\n-----END CERTIFICATE REQUEST-----`;

const howToMakeOne =
  "create one with `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -subj /CN=client` " +
  "or declare a CertificateRequest resource";

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

  test.each([
    { name: "the same text with CRLF and a trailing newline", a: "not a csr", b: "not a csr\r\n", want: true },
    { name: "white space around the first", a: " not a csr\n", b: "not a csr", want: true },
    { name: "other text", a: "not a csr", b: "not a CSR", want: false },
  ])("compares texts that are not CSRs by their normalized text: $name -> $want", ({ a, b, want }) => {
    expect(sameCsr(a, b)).toBe(want);
  });
});

describe("csrDer and csrPem", () => {
  test("canonical PEM round-trips to the same DER with 64-column lines and a trailing newline", () => {
    const canonical = csrPem(csrDer(crlf));
    expect(canonical).toBe(pem);
    expect(canonical.split("\n").every((line) => line.length <= 64)).toBe(true);
  });

  test("csrPem of no bytes is an empty block", () => {
    expect(csrPem(new Uint8Array())).toBe("-----BEGIN CERTIFICATE REQUEST-----\n\n-----END CERTIFICATE REQUEST-----\n");
  });

  test("a CsrError is named CsrError and keeps its reason", () => {
    const error = new CsrError("is wrong");
    expect(error.name).toBe("CsrError");
    expect(error.message).toBe("csr is wrong");
    expect(error.reason).toBe("is wrong");
  });

  // Each body breaks exactly one rule: its length is a multiple of 4 unless that is the rule broken.
  test.each([
    { name: "an empty body", body: "  \n " },
    { name: "a character outside base64 at the start", body: "*AAABBBB" },
    { name: "a character outside base64 at the end", body: "AAAABBB*" },
    { name: "a character outside base64 in the middle", body: "AAAA*BBB" },
    { name: "padding in the middle", body: "AA==AAAA" },
    { name: "three padding characters", body: "AAAAA===" },
    { name: "a length that is not a multiple of 4", body: "QUJDRA" },
  ])("rejects a PEM block with $name", ({ body }) => {
    const text = `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(() => csrDer(text)).toThrow(
      new CsrError("has a PEM block whose body is not valid base64; copy the whole file, including the BEGIN and END lines"),
    );
  });

  test("accepts a body with padding and whitespace inside lines", () => {
    expect([...csrDer("-----BEGIN CERTIFICATE REQUEST-----\nQU JD\tRA==\n-----END CERTIFICATE REQUEST-----")]).toEqual([
      0x41, 0x42, 0x43, 0x44,
    ]);
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
    await expect(inspectCsr(garbage)).rejects.toThrow(`does not decode as a PKCS#10 certificate signing request; ${howToMakeOne}`);
  });

  test("text without a PEM block is refused with how to make a request", () => {
    expect(() => csrDer("hello")).toThrow(
      `is not a PEM certificate signing request: expected a "-----BEGIN CERTIFICATE REQUEST-----" block; ${howToMakeOne}`,
    );
  });
});

describe("inspectCsr checks what @peculiar/x509 lets through", () => {
  const NOT_DER =
    "csr is not DER-encoded as PKCS#10 requires: it has an indefinite length, or a length written with more bytes than needed; " +
    "create it again from the private key (openssl req -new -key client.key -subj /CN=client)";
  const der = fixtureDer("ecdsa-p256");
  const [info, signatureAlgorithm, signature] = derChildren(der) as [Buffer, Buffer, Buffer];
  const request = (...parts: Buffer[]): string => csrPem(tlv(0x30, ...parts));

  test.each([
    { name: "an indefinite outer length", pem: csrPem(withLengthField(der, [0x80])) },
    { name: "an outer length padded to four bytes", pem: csrPem(withLengthField(der, paddedLength(contentLength(der), 4))) },
    { name: "an outer length in five bytes", pem: csrPem(withLengthField(der, paddedLength(contentLength(der), 5))) },
    {
      name: "the signature algorithm's length in the long form",
      pem: request(info, withLengthField(signatureAlgorithm, paddedLength(contentLength(signatureAlgorithm), 1)), signature),
    },
  ])("refuses a request to be signed with $name, which x509 reads", async ({ pem }) => {
    await expect(inspectCsr(pem)).rejects.toThrow(new CsrError(NOT_DER.slice("csr ".length)));
  });

  test("a length padded inside the signed part is refused as not DER before the signature is checked", async () => {
    const [version, subject, ...rest] = derChildren(info) as [Buffer, Buffer, ...Buffer[]];
    const paddedSubject = withLengthField(subject, paddedLength(contentLength(subject), 2));
    await expect(inspectCsr(request(tlv(0x30, version, paddedSubject, ...rest), signatureAlgorithm, signature))).rejects.toThrow(NOT_DER);
  });

  test("a certificate that already exists is described although its request is BER", async () => {
    const facts = await inspectCsr(csrPem(withLengthField(der, [0x80])), { issuancePolicy: false });
    expect(facts.keyDescription).toBe("ECDSA P-256");
  });

  test("bytes after the request are refused with their count", async () => {
    await expect(inspectCsr(csrPem(Buffer.concat([der, Buffer.from([0, 0, 0])])), { issuancePolicy: false })).rejects.toThrow(
      "csr has 3 bytes after the end of the request: it was cut or padded; copy the whole file again",
    );
  });

  test("a signature algorithm without a hash is named by its OID", async () => {
    const unknownAlgorithm = tlv(0x30, tlv(0x06, Buffer.from([0x2a, 0x03, 0x04])));
    await expect(inspectCsr(request(info, unknownAlgorithm, signature))).rejects.toThrow(
      "csr is signed with 1.2.3.4, which is not accepted; sign it with SHA-256, SHA-384, SHA-512 (openssl req -sha256)",
    );
  });

  test("a signature whose check throws (an RSA algorithm on an EC key) does not verify", async () => {
    const rsaWithSha256 = tlv(0x30, tlv(0x06, Buffer.from("2a864886f70d01010b", "hex")), Buffer.from([0x05, 0x00]));
    await expect(inspectCsr(request(info, rsaWithSha256, signature))).rejects.toThrow(
      /signature that does not verify with its own public key/,
    );
  });

  test("a public key of an algorithm Node cannot read is refused before the signature is checked", async () => {
    const [version, subject, publicKeyInfo, ...rest] = derChildren(info) as [Buffer, Buffer, Buffer, ...Buffer[]];
    const [, publicKey] = derChildren(publicKeyInfo) as [Buffer, Buffer];
    const unknownKey = tlv(0x30, tlv(0x30, tlv(0x06, Buffer.from([0x2a, 0x03, 0x04]))), publicKey);
    await expect(inspectCsr(request(tlv(0x30, version, subject, unknownKey, ...rest), signatureAlgorithm, signature))).rejects.toThrow(
      "csr has a public key this package cannot read; Cloudflare signs RSA 2048 to 4096 bits, or ECDSA on P-256 or P-384",
    );
  });

  /** A request of exactly `bytes` bytes of DER: a SAN list padded by its last name (ECDSA signatures vary by a byte or two). */
  async function requestOfSize(bytes: number): Promise<string> {
    const keys = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
    const names = Array.from({ length: 300 }, (_, index) => ({ type: "dns" as const, value: `host-${index}.example.com` }));
    let filler = 100;
    for (let attempt = 0; attempt < 50; attempt++) {
      const request = await x509.Pkcs10CertificateRequestGenerator.create({
        name: "CN=large.example.com",
        keys,
        signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
        extensions: [new x509.SubjectAlternativeNameExtension([...names, { type: "dns", value: `${"a".repeat(filler)}.example.com` }])],
      });
      if (request.rawData.byteLength === bytes) return request.toString("pem");
      filler += bytes - request.rawData.byteLength;
    }
    throw new Error(`no request of ${bytes} bytes after 50 attempts`);
  }

  test("a request of exactly 8 KB is remembered; one byte more is inspected every time", async () => {
    const atTheBound = await requestOfSize(8192);
    expect(await inspectCsr(atTheBound)).toBe(await inspectCsr(atTheBound));
    const overTheBound = await requestOfSize(8193);
    const first = await inspectCsr(overTheBound);
    const second = await inspectCsr(overTheBound);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });
});
