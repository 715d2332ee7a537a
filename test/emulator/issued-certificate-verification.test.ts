import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { callApi } from "../helpers/call-api";
import { generateCsr, type CsrKeyAlgorithm } from "../helpers/csr";
import { openssl } from "../helpers/openssl";
import { withEmulator } from "../helpers/with-emulator";
import { startEmulator, type ClientCertificateResource, type Emulator } from "../../emulator/index";

// Independent checks: Node's X509Certificate and the openssl binary, not the library that signed.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const collection = `/zones/${zoneId}/client_certificates`;

async function issue(emulator: Emulator, algorithm: CsrKeyAlgorithm, validityDays: number) {
  const csr = await generateCsr({ commonName: "verify.example.com", organization: "Example Inc", country: "GB", algorithm });
  const reply = await callApi(emulator, { method: "POST", path: collection, body: { csr: csr.csrPem, validity_days: validityDays } });
  const result = reply.envelope.result as ClientCertificateResource;
  return { csr, result, certificate: new X509Certificate(result.certificate) };
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe.each([{ algorithm: "ECDSA-P256" as const }, { algorithm: "RSA-2048" as const }])(
  "a certificate issued for a $algorithm CSR",
  ({ algorithm }) => {
    test("chains to the emulator's CA according to Node and to openssl verify -purpose sslclient", async () => {
      const { result, certificate } = await issue(emulator, algorithm, 90);
      const ca = new X509Certificate(emulator.caCertificatePem);
      expect(certificate.checkIssued(ca)).toBe(true);
      expect(certificate.verify(ca.publicKey)).toBe(true);
      expect(certificate.issuer).toContain("CN=Cloudflare Managed CA for account");
      expect(certificate.ca).toBe(false);

      const verdict = await openssl(["verify", "-purpose", "sslclient", "-CAfile", "{dir}/ca.pem", "{dir}/client.pem"], {
        "ca.pem": emulator.caCertificatePem,
        "client.pem": result.certificate,
      });
      expect(verdict).toMatchObject({ code: 0, stdout: expect.stringMatching(/client\.pem: OK/) });
    });

    test("carries the CSR's public key and subject", async () => {
      const { csr, result, certificate } = await issue(emulator, algorithm, 90);
      const spki = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" });
      expect(spki(csr.publicKeyPem).equals(certificate.publicKey.export({ type: "spki", format: "der" }))).toBe(true);
      expect(certificate.subject.split("\n")).toEqual(["C=GB", "O=Example Inc", "CN=verify.example.com"]);

      const fromCsr = await openssl(["req", "-in", "{dir}/csr.pem", "-noout", "-pubkey"], { "csr.pem": csr.csrPem });
      const fromCertificate = await openssl(["x509", "-in", "{dir}/cert.pem", "-noout", "-pubkey"], { "cert.pem": result.certificate });
      expect(fromCertificate.stdout).toBe(fromCsr.stdout);
    });

    test("is valid from issued_on for exactly validity_days days", async () => {
      const { result, certificate } = await issue(emulator, algorithm, 397);
      expect(new Date(certificate.validFrom).toISOString()).toBe(result.issued_on.replace("Z", ".000Z"));
      expect(new Date(certificate.validTo).toISOString()).toBe(result.expires_on.replace("Z", ".000Z"));
      expect(Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)).toBe(397 * 86_400_000);
    });

    test("reports the fingerprint, serial number and SKI of the real certificate", async () => {
      const { result, certificate } = await issue(emulator, algorithm, 30);
      expect(createHash("sha256").update(certificate.raw).digest("hex")).toBe(result.fingerprint_sha256);
      expect(certificate.fingerprint256.replace(/:/g, "").toLowerCase()).toBe(result.fingerprint_sha256);
      expect(certificate.serialNumber.toLowerCase()).toBe(result.serial_number);

      const text = await openssl(["x509", "-in", "{dir}/cert.pem", "-noout", "-ext", "subjectKeyIdentifier,extendedKeyUsage"], {
        "cert.pem": result.certificate,
      });
      expect(text.stdout.replace(/[\s:]/g, "").toLowerCase()).toContain(result.ski);
      expect(text.stdout).toContain("TLS Web Client Authentication");
    });
  },
);

describe("a CA supplied by the caller", () => {
  test("signs instead of the generated one; an ECDSA CA reports ECDSAWithSHA256", async () => {
    const key = await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    const certificate = await openssl(
      [
        "req",
        "-x509",
        "-new",
        "-key",
        "{dir}/key.pem",
        "-subj",
        "/CN=Cloudflare Managed CA for account",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
      ],
      { "key.pem": key.stdout },
    );
    expect(certificate.code).toBe(0);

    await withEmulator({ ca: { certificatePem: certificate.stdout, privateKeyPem: key.stdout } }, async (own) => {
      expect(new X509Certificate(own.caCertificatePem).fingerprint256).toBe(new X509Certificate(certificate.stdout).fingerprint256);
      const { result } = await issue(own, "ECDSA-P256", 30);
      expect(result.signature).toBe("ECDSAWithSHA256");
      const verdict = await openssl(["verify", "-CAfile", "{dir}/ca.pem", "{dir}/client.pem"], {
        "ca.pem": certificate.stdout,
        "client.pem": result.certificate,
      });
      expect(verdict.code).toBe(0);
    });
  });

  test("is refused when the key does not match the certificate", async () => {
    const key = await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    const otherKey = await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    const certificate = await openssl(
      ["req", "-x509", "-new", "-key", "{dir}/key.pem", "-subj", "/CN=CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE"],
      { "key.pem": key.stdout },
    );
    await expect(startEmulator({ ca: { certificatePem: certificate.stdout, privateKeyPem: otherKey.stdout } })).rejects.toThrow(
      "the CA private key does not match the CA certificate",
    );
  });
});
