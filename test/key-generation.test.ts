import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import type { CertificateSubject } from "../provider/certificate-subject";
import { inspectCsr } from "../provider/csr";
import { generateKeyAndCsr, keyAlgorithms, type KeyAlgorithm, type KeyAndCsr } from "../provider/key-generation";
import { callApi } from "./helpers/call-api";
import { withEmulator } from "./helpers/with-emulator";

/** Runs openssl on `input`, failing the test with openssl's stderr when it exits non-zero. */
function openssl(args: string[], input: string | Buffer): Buffer {
  const result = spawnSync("openssl", args, { input });
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(`openssl ${args.join(" ")} failed (${result.status}): ${result.error?.message ?? result.stderr.toString()}`);
  }
  return result.stdout;
}

/** The subject of a PEM CSR as openssl reads it: [long attribute name, value] in DN order, unescaped. */
function opensslSubject(csrPem: string): [string, string][] {
  const text = openssl(
    ["req", "-noout", "-subject", "-nameopt", "sep_multiline,space_eq,lname,utf8,-esc_msb,-esc_ctrl,-esc_2253"],
    csrPem,
  ).toString("utf8");
  return text
    .split("\n")
    .slice(1)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [name, ...value] = line.trim().split(" = ");
      return [name ?? "", value.join(" = ")];
    });
}

// Every field, with characters that string-form DN parsing would mangle: a comma, a backslash,
// quotes and non-ASCII text.
const subject: CertificateSubject = {
  commonName: "api-client.example.com",
  organization: "Exämple, Inc.",
  organizationalUnit: "Payments",
  country: "DE",
  state: "Baden-Württemberg",
  locality: 'C:\\certs "quoted"',
};

const expectedKey: Record<KeyAlgorithm, { signature: string; key: RegExp; inspected: string }> = {
  ECDSA_P256: { signature: "ecdsa-with-SHA256", key: /ASN1 OID: prime256v1/, inspected: "ECDSA P-256" },
  ECDSA_P384: { signature: "ecdsa-with-SHA256", key: /ASN1 OID: secp384r1/, inspected: "ECDSA P-384" },
  RSA_2048: { signature: "sha256WithRSAEncryption", key: /Public-Key: \(2048 bit\)/, inspected: "RSA 2048" },
  RSA_3072: { signature: "sha256WithRSAEncryption", key: /Public-Key: \(3072 bit\)/, inspected: "RSA 3072" },
  RSA_4096: { signature: "sha256WithRSAEncryption", key: /Public-Key: \(4096 bit\)/, inspected: "RSA 4096" },
};

describe.each(keyAlgorithms)("generateKeyAndCsr with %s", (keyAlgorithm) => {
  let generated: KeyAndCsr;
  beforeAll(async () => {
    generated = await generateKeyAndCsr({ subject, keyAlgorithm });
  }, 60_000);

  test("produces a CSR whose self-signature openssl verifies", () => {
    const result = spawnSync("openssl", ["req", "-verify", "-noout"], { input: generated.csrPem });
    expect(result.stderr.toString()).toContain("verify OK");
    expect(result.status).toBe(0);
  });

  test("writes every requested subject field, in distinguished-name order, byte for byte", () => {
    expect(opensslSubject(generated.csrPem)).toEqual([
      ["countryName", "DE"],
      ["stateOrProvinceName", "Baden-Württemberg"],
      ["localityName", 'C:\\certs "quoted"'],
      ["organizationName", "Exämple, Inc."],
      ["organizationalUnitName", "Payments"],
      ["commonName", "api-client.example.com"],
    ]);
  });

  // A key of its own, not the beforeAll one: code that runs only in a hook counts for no test in the
  // mutation run's per-test coverage, so a wrong key type would be tried against other files' tests only.
  test("signs the CSR with SHA-256 and a key of the requested type and size, whose public key it exports", async () => {
    const own = await generateKeyAndCsr({ subject, keyAlgorithm });
    const text = openssl(["req", "-noout", "-text"], own.csrPem).toString();
    expect(text).toContain(`Signature Algorithm: ${expectedKey[keyAlgorithm].signature}`);
    expect(text).toMatch(expectedKey[keyAlgorithm].key);
    expect(own.publicKeyPem).toBe(openssl(["req", "-noout", "-pubkey"], own.csrPem).toString());
  }, 60_000);

  test("exports a PKCS#8 private key that openssl reads and that belongs to the CSR's public key", () => {
    expect(generated.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const fromPrivateKey = openssl(["pkey", "-pubout"], generated.privateKeyPem).toString();
    const fromCsr = openssl(["req", "-noout", "-pubkey"], generated.csrPem).toString();
    expect(fromPrivateKey).toBe(fromCsr);
    expect(generated.publicKeyPem).toBe(fromCsr);
  });

  test("names the key by the SHA-256 of its DER public key, as openssl computes it", () => {
    const der = openssl(["pkey", "-pubin", "-outform", "DER"], generated.publicKeyPem);
    expect(generated.publicKeyFingerprintSha256).toBe(createHash("sha256").update(der).digest("hex"));
  });

  test("passes the ClientCertificate CSR check, which keeps it unchanged as canonical PEM", async () => {
    const facts = await inspectCsr(generated.csrPem);
    expect(facts.keyDescription).toBe(expectedKey[keyAlgorithm].inspected);
    expect(facts.pem).toBe(generated.csrPem);
    expect(facts.publicKeySha256).toBe(generated.publicKeyFingerprintSha256);
  });

  test("is signed by the emulated Cloudflare CA into a certificate with this subject and this key", async () => {
    const issued = await withEmulator(async (emulator) => {
      const reply = await callApi(emulator, {
        method: "POST",
        path: "/zones/023e105f4ecef8ad9ca31a8372d0c353/client_certificates",
        body: { csr: generated.csrPem, validity_days: 30 },
      });
      expect(reply.status).toBe(200);
      return reply.envelope.result;
    });
    expect(issued).toMatchObject({
      common_name: "api-client.example.com",
      organization: "Exämple, Inc.",
      organizational_unit: "Payments",
      country: "DE",
      state: "Baden-Württemberg",
      location: 'C:\\certs "quoted"',
    });
    const certificate = issued?.certificate ?? "";
    expect(openssl(["x509", "-noout", "-pubkey"], certificate).toString()).toBe(generated.publicKeyPem);
  });

  test("writes PEM with LF line endings and a final newline", () => {
    for (const pem of [generated.csrPem, generated.privateKeyPem, generated.publicKeyPem]) {
      expect(pem).not.toContain("\r");
      expect(pem).toMatch(/-----\n$/);
    }
  });
});

describe("generateKeyAndCsr", () => {
  test("makes a new key on every call", async () => {
    const request = { subject: { commonName: "twice" }, keyAlgorithm: "ECDSA_P256" } as const;
    const [first, second] = await Promise.all([generateKeyAndCsr(request), generateKeyAndCsr(request)]);
    expect(first.publicKeyFingerprintSha256).not.toBe(second.publicKeyFingerprintSha256);
    expect(first.privateKeyPem).not.toBe(second.privateKeyPem);
  });

  test("encodes the country as PrintableString and every other field as UTF8String", async () => {
    const { csrPem } = await generateKeyAndCsr({ subject, keyAlgorithm: "ECDSA_P256" });
    const types = openssl(["req", "-noout", "-subject", "-nameopt", "sep_multiline,sname,show_type,esc_msb"], csrPem)
      .toString()
      .split("\n")
      .slice(1)
      .filter((line) => line.trim() !== "")
      .map((line) => line.trim().replace(/:.*/, ""));
    expect(types).toEqual(["C=PRINTABLESTRING", "ST=UTF8STRING", "L=UTF8STRING", "O=UTF8STRING", "OU=UTF8STRING", "CN=UTF8STRING"]);
  });

  test("writes only the fields given, leaving the others out of the subject", async () => {
    const { csrPem } = await generateKeyAndCsr({ subject: { commonName: "only-cn" }, keyAlgorithm: "ECDSA_P256" });
    expect(opensslSubject(csrPem)).toEqual([["commonName", "only-cn"]]);
  });
});
