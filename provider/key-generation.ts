import type { webcrypto } from "node:crypto";
import { subjectToX509Name, type CertificateSubject } from "./certificate-subject";
import { spkiSha256 } from "./csr";

/** The key types a {@link CertificateRequest} can generate. */
export const keyAlgorithms = ["ECDSA_P256", "ECDSA_P384", "RSA_2048", "RSA_3072", "RSA_4096"] as const;

/**
 * A key type and size. RSA keys sign the CSR with RSASSA-PKCS1-v1_5 (what Cloudflare's CA itself uses),
 * ECDSA keys with ECDSA; both with SHA-256 (see {@link webCryptoParameters}).
 */
export type KeyAlgorithm = (typeof keyAlgorithms)[number];

/**
 * RSA 2048: the only key type Cloudflare documents for its managed client-certificate CA (the dashboard
 * docs use `openssl req -newkey rsa:2048`, and every public example and live test uses it). ECDSA keys
 * are smaller and faster, and this package's emulator accepts them, but nothing public says Cloudflare's
 * CA does: choose `ECDSA_P256` or `ECDSA_P384` explicitly, and check with `npm run test:live`.
 */
export const defaultKeyAlgorithm: KeyAlgorithm = "RSA_2048";

export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return (keyAlgorithms as readonly unknown[]).includes(value);
}

/** What {@link generateKeyAndCsr} needs: the same as a {@link CertificateRequest}'s resolved inputs. */
export interface KeyAndCsrRequest {
  readonly subject: CertificateSubject;
  readonly keyAlgorithm: KeyAlgorithm;
}

/** A fresh key pair and the CSR it signed, all PEM text ending in a newline. */
export interface KeyAndCsr {
  /** PKCS#10 `CERTIFICATE REQUEST`, signed with the private key. */
  readonly csrPem: string;
  /** Unencrypted PKCS#8 `PRIVATE KEY`. */
  readonly privateKeyPem: string;
  /** SPKI `PUBLIC KEY`. */
  readonly publicKeyPem: string;
  /**
   * Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo, as
   * `openssl pkey -pubin -outform DER | sha256sum` prints it. It names the key, not a certificate:
   * Cloudflare's `fingerprint_sha256` is the hash of the issued certificate.
   */
  readonly publicKeyFingerprintSha256: string;
}

/**
 * Generates a key pair with WebCrypto and a CSR for it with `@peculiar/x509`. Each call makes a new key.
 *
 * @example
 * ```ts
 * const { csrPem, privateKeyPem } = await generateKeyAndCsr({
 *   subject: { commonName: "api-client.example.com", organization: "Example" },
 *   keyAlgorithm: "RSA_2048",
 * });
 * ```
 */
export async function generateKeyAndCsr(request: KeyAndCsrRequest): Promise<KeyAndCsr> {
  // Loaded here, not at the top (provider/README.md, rule 3): x509 needs the Reflect polyfill before it loads.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const crypto = globalThis.crypto;
  const { generate, sign } = webCryptoParameters(request.keyAlgorithm);
  // Extractable, or the private key could not be exported into state.
  const keys = await crypto.subtle.generateKey(generate, true, ["sign", "verify"]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: new x509.Name(subjectToX509Name(request.subject)), keys, signingAlgorithm: sign },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  const spki = await crypto.subtle.exportKey("spki", keys.publicKey);
  return {
    csrPem: `${csr.toString("pem")}\n`,
    privateKeyPem: `${x509.PemConverter.encode(pkcs8, "PRIVATE KEY")}\n`,
    publicKeyPem: `${x509.PemConverter.encode(spki, "PUBLIC KEY")}\n`,
    publicKeyFingerprintSha256: spkiSha256(spki),
  };
}

/** How WebCrypto generates a key of one type and signs a CSR with it. */
export interface WebCryptoParameters {
  readonly generate: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;
  readonly sign: webcrypto.Algorithm | webcrypto.EcdsaParams;
}

/**
 * The one table of WebCrypto parameters per key type, shared with the test helpers so that tests make
 * CSRs as the provider does. Every CSR is signed with SHA-256, P-384 included: it is what
 * `openssl req` does by default for every key type (this repository's P-384 fixture is
 * ecdsa-with-SHA256), and the digest Cloudflare's own CA signs with.
 */
export function webCryptoParameters(keyAlgorithm: KeyAlgorithm): WebCryptoParameters {
  switch (keyAlgorithm) {
    case "ECDSA_P256":
      return ecdsa("P-256");
    case "ECDSA_P384":
      return ecdsa("P-384");
    case "RSA_2048":
      return rsaParameters(2048);
    case "RSA_3072":
      return rsaParameters(3072);
    case "RSA_4096":
      return rsaParameters(4096);
  }
}

function ecdsa(namedCurve: string): WebCryptoParameters {
  return { generate: { name: "ECDSA", namedCurve }, sign: { name: "ECDSA", hash: "SHA-256" } as webcrypto.EcdsaParams };
}

/** RSASSA-PKCS1-v1_5 with SHA-256 for a modulus of any size; the signature hash comes from the key, which carries it for RSA. */
export function rsaParameters(modulusLength: number): WebCryptoParameters {
  return {
    generate: { name: "RSASSA-PKCS1-v1_5", modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    sign: { name: "RSASSA-PKCS1-v1_5" },
  };
}
