import { execFileSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { certificateChainPem, clientBundle, clientBundlePem } from "../provider/client-bundle";
import { CloudflareClient } from "../provider/cloudflare-client";
import { CA_NAME, startEmulator, type Emulator } from "../emulator";
import { generateCsr } from "./helpers/csr";
import { OPENSSL } from "./helpers/openssl";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
let emulator: Emulator;
let certificate: string;
let privateKeyPem: string;
let otherKeyPem: string;
// Another CA with the emulator CA's name and a key of its own.
let namesakeCaPem: string;

/**
 * A self-signed certificate with the emulator CA's name, another key and no subject key identifier, so
 * openssl's issuer check (names, key identifiers, algorithms) passes it: only the signature tells.
 */
async function namesakeCaWithoutKeyIdentifier(): Promise<string> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  // RSA like the emulator's CA: openssl's issuer check also compares the signature algorithm with the key type.
  const keys = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: [{ O: ["Cloudflare API emulator"] }, { CN: [CA_NAME] }],
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 86_400_000),
    keys,
    signingAlgorithm: { name: "RSASSA-PKCS1-v1_5" },
  });
  return certificate.toString("pem");
}

beforeAll(async () => {
  emulator = await startEmulator();
  const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
  const csr = await generateCsr({ commonName: "api-client.example.com", algorithm: "RSA-2048" });
  const issued = await client.createClientCertificate(zoneId, { csr: csr.csrPem, validityDays: 30 });
  certificate = issued.certificate;
  privateKeyPem = csr.privateKeyPem;
  otherKeyPem = (await generateCsr({ commonName: "other", algorithm: "ECDSA-P256", freshKey: true })).privateKeyPem;
  namesakeCaPem = await namesakeCaWithoutKeyIdentifier();
});
afterAll(() => emulator?.close());

const blocks = (pem: string) => pem.match(/-----BEGIN [A-Z ]+-----/g);

test("the bundle is certificate, CA, key; its key matches the certificate and the chain verifies against the CA", () => {
  const bundle = clientBundlePem({ certificate, privateKeyPem, caCertificatePem: emulator.caCertificatePem });
  expect(blocks(bundle)).toEqual(["-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"]);
  const [leaf, ca] = bundle
    .split(/(?<=-----END CERTIFICATE-----\n)/)
    .slice(0, 2)
    .map((block) => new X509Certificate(block));
  expect(leaf?.checkPrivateKey(createPrivateKey(bundle))).toBe(true);
  expect(leaf?.verify(ca?.publicKey ?? createPrivateKey(privateKeyPem))).toBe(true);
  expect(ca?.fingerprint256).toBe(new X509Certificate(emulator.caCertificatePem).fingerprint256);
});

test("without a CA the bundle is certificate then key, and accepts the CRLF and literal \\n forms of PEM", () => {
  const crlf = clientBundlePem({ certificate: certificate.replace(/\n/g, "\r\n"), privateKeyPem: privateKeyPem.replace(/\n/g, "\\n") });
  expect(blocks(crlf)).toEqual(["-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"]);
  expect(crlf).toBe(clientBundlePem({ certificate, privateKeyPem }));
  expect(crlf).not.toContain("\r");
});

test("openssl turns the bundle into a PKCS#12 file with the documented command, and reads the key and both certificates back", () => {
  const bundle = clientBundlePem({ certificate, privateKeyPem, caCertificatePem: emulator.caCertificatePem });
  const directory = mkdtempSync(join(tmpdir(), "client-bundle-"));
  try {
    writeFileSync(join(directory, "bundle.pem"), bundle);
    const run = (args: string[]) => execFileSync(OPENSSL, args, { cwd: directory, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    run(["pkcs12", "-export", "-in", "bundle.pem", "-out", "client.p12", "-name", "client", "-passout", "pass:test"]);
    const back = run(["pkcs12", "-in", "client.p12", "-passin", "pass:test", "-nodes"]);
    expect(blocks(back)).toEqual(["-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"]);
    expect(createPrivateKey(back).export({ type: "pkcs8", format: "pem" })).toBe(
      createPrivateKey(privateKeyPem).export({ type: "pkcs8", format: "pem" }),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test.each([
  {
    name: "refuses a key that is not the certificate's",
    parts: () => ({ certificate, privateKeyPem: otherKeyPem }),
    want: /^privateKeyPem is not the key of the certificate for "CN=api-client.example.com": pass the private key/,
  },
  {
    name: "refuses a CA that did not sign the certificate, naming both on one line",
    parts: () => ({ certificate, privateKeyPem, caCertificatePem: certificate }),
    want: /^the certificate \(issuer "O=Cloudflare API emulator, CN=Cloudflare Managed CA for account"\) was not signed by the CA certificate given \("CN=api-client.example.com"\): pass the CA named/,
  },
  {
    name: "refuses a CA of the same name whose key did not sign the certificate",
    parts: () => ({ certificate, privateKeyPem, caCertificatePem: namesakeCaPem }),
    want: /^the certificate \(issuer "O=Cloudflare API emulator, CN=Cloudflare Managed CA for account"\) was not signed by the CA certificate given \("O=Cloudflare API emulator, CN=Cloudflare Managed CA for account"\)/,
  },
  {
    name: "refuses a CA certificate that is not PEM",
    parts: () => ({ certificate, privateKeyPem, caCertificatePem: "not a certificate" }),
    want: /^caCertificatePem is not a PEM certificate/,
  },
  {
    name: "refuses a certificate that is not PEM",
    parts: () => ({ certificate: "not a certificate", privateKeyPem }),
    want: /^certificate is not a PEM certificate/,
  },
  {
    name: "refuses a key that is not PEM",
    parts: () => ({ certificate, privateKeyPem: "not a key" }),
    want: /^privateKeyPem is not a PEM private key/,
  },
])("$name", ({ parts, want }) => {
  expect(() => clientBundlePem(parts())).toThrow(want);
});

test("certificateChainPem is the certificate and its CA, without a key", () => {
  const chain = certificateChainPem(certificate, emulator.caCertificatePem);
  expect(blocks(chain)).toEqual(["-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----"]);
  expect(chain).not.toContain("PRIVATE KEY");
});

test("clientBundle is a secret Output of the same PEM", async () => {
  const output = clientBundle({ certificate: pulumi.output(certificate), privateKeyPem: pulumi.secret(privateKeyPem) });
  const internals = output as unknown as { isSecret: Promise<boolean>; promise: () => Promise<string> };
  expect(await internals.isSecret).toBe(true);
  expect(await internals.promise()).toBe(clientBundlePem({ certificate, privateKeyPem }));
});
