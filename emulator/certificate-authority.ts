import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createHash, createPrivateKey, createPublicKey, randomBytes, webcrypto } from "node:crypto";

/** The name Cloudflare gives the per-account CA that signs API Shield client certificates. */
export const CA_NAME = "Cloudflare Managed CA for account";

type CryptoKey = webcrypto.CryptoKey;
type Algorithm = webcrypto.Algorithm;
type EcdsaParams = webcrypto.EcdsaParams;

const crypto = webcrypto;
const DAY_MS = 86_400_000;

/** A CA as PEM text, to persist or to load (`ca` option, `--ca-dir`). */
export interface CertificateAuthorityPem {
  readonly certificatePem: string;
  /** PKCS#8 ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") / SEC1 ("EC PRIVATE KEY"). */
  readonly privateKeyPem: string;
}

/** What the CA needs from a verified CSR. */
export interface SigningRequest {
  readonly publicKey: x509.PublicKey;
  readonly subject: x509.Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A certificate the CA signed, with the derived values the API reports. */
export interface IssuedCertificate {
  /** PEM with LF line endings and no trailing newline. */
  readonly certificatePem: string;
  /** Lower-case hex, as the API reports it. */
  readonly serialNumber: string;
  /** Lower-case hex SHA-256 of the DER encoding. */
  readonly fingerprintSha256: string;
  /** Lower-case hex subject key identifier. */
  readonly ski: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

interface SigningScheme {
  readonly algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  readonly signingAlgorithm: Algorithm | EcdsaParams;
  /** The API's `signature` field. */
  readonly signatureName: string;
}

/**
 * A real certificate authority standing in for Cloudflare's managed CA: RSA 2048 with SHA-256 by
 * default (Cloudflare reports `SHA256WithRSA`); an ECDSA CA loaded from PEM also works.
 */
export class CertificateAuthority {
  /** Stable for a given CA certificate, so a CA reloaded from disk keeps its id. */
  readonly id: string;
  readonly name = CA_NAME;
  readonly certificatePem: string;
  /** The API's `signature` field for certificates this CA issues. */
  readonly signature: string;
  readonly #certificate: x509.X509Certificate;
  readonly #privateKey: CryptoKey;
  readonly #scheme: SigningScheme;

  private constructor(certificate: x509.X509Certificate, privateKey: CryptoKey, scheme: SigningScheme) {
    this.#certificate = certificate;
    this.#privateKey = privateKey;
    this.#scheme = scheme;
    this.certificatePem = certificate.toString("pem");
    this.signature = scheme.signatureName;
    this.id = uuidFromDigest(createHash("sha256").update(new Uint8Array(certificate.rawData)).digest());
  }

  /** Creates a fresh RSA 2048 CA valid for 20 years. */
  static async generate(): Promise<CertificateAuthority> {
    const scheme = RSA_SCHEME;
    const keys = await crypto.subtle.generateKey(
      { ...scheme.algorithm, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } as webcrypto.RsaHashedKeyGenParams,
      true,
      ["sign", "verify"],
    );
    const notBefore = new Date(Date.now() - DAY_MS);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: randomSerialNumber(),
        name: [{ O: ["Cloudflare API emulator"] }, { CN: [CA_NAME] }],
        notBefore,
        notAfter: new Date(notBefore.getTime() + 20 * 365 * DAY_MS),
        keys,
        signingAlgorithm: scheme.signingAlgorithm,
        extensions: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    return new CertificateAuthority(certificate, keys.privateKey, scheme);
  }

  /** Loads a CA; the key must match the certificate and the certificate must be a CA. */
  static async fromPem(pem: CertificateAuthorityPem): Promise<CertificateAuthority> {
    const certificate = new x509.X509Certificate(pem.certificatePem);
    const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
    if (constraints?.ca !== true) {
      throw new Error("the CA certificate lacks basicConstraints CA:TRUE, so issued certificates would not verify");
    }
    const nodeKey = createPrivateKey(pem.privateKeyPem);
    const publicDer = createPublicKey(nodeKey).export({ type: "spki", format: "der" });
    if (!Buffer.from(publicDer).equals(Buffer.from(certificate.publicKey.rawData))) {
      throw new Error("the CA private key does not match the CA certificate");
    }
    const scheme = schemeFor(certificate.publicKey.algorithm);
    const privateKey = await crypto.subtle.importKey("pkcs8", nodeKey.export({ type: "pkcs8", format: "der" }), scheme.algorithm, true, [
      "sign",
    ]);
    return new CertificateAuthority(certificate, privateKey, scheme);
  }

  /** The CA as PEM, for persisting it (the private key is PKCS#8). */
  async toPem(): Promise<CertificateAuthorityPem> {
    const pkcs8 = await crypto.subtle.exportKey("pkcs8", this.#privateKey);
    return { certificatePem: this.certificatePem, privateKeyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") };
  }

  /** Signs a client certificate (TLS client auth) for a CSR that has already been verified. */
  async issue(request: SigningRequest): Promise<IssuedCertificate> {
    const keyUsage =
      request.publicKey.algorithm.name === "ECDSA"
        ? x509.KeyUsageFlags.digitalSignature
        : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
    const subjectKeyIdentifier = await x509.SubjectKeyIdentifierExtension.create(request.publicKey, false, crypto);
    const certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber: randomSerialNumber(),
        subject: request.subject,
        issuer: this.#certificate.subjectName,
        notBefore: request.notBefore,
        notAfter: request.notAfter,
        publicKey: request.publicKey,
        signingKey: this.#privateKey,
        signingAlgorithm: this.#scheme.signingAlgorithm,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(keyUsage, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
          subjectKeyIdentifier,
          await x509.AuthorityKeyIdentifierExtension.create(this.#certificate.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    return {
      certificatePem: certificate.toString("pem"),
      serialNumber: certificate.serialNumber.toLowerCase(),
      fingerprintSha256: createHash("sha256").update(new Uint8Array(certificate.rawData)).digest("hex"),
      ski: subjectKeyIdentifier.keyId.toLowerCase(),
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
    };
  }
}

let sharedDefault: Promise<CertificateAuthority> | undefined;

/**
 * The CA used by emulators started without one: generated once per process, because RSA key
 * generation is the slowest part of starting an emulator.
 */
export function defaultCertificateAuthority(): Promise<CertificateAuthority> {
  sharedDefault ??= CertificateAuthority.generate().catch((error: unknown) => {
    sharedDefault = undefined;
    throw error;
  });
  return sharedDefault;
}

const RSA_SCHEME: SigningScheme = {
  algorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as Algorithm,
  signatureName: "SHA256WithRSA",
};

function schemeFor(algorithm: Algorithm): SigningScheme {
  if (algorithm.name === "RSASSA-PKCS1-v1_5") return RSA_SCHEME;
  const namedCurve = (algorithm as webcrypto.EcKeyAlgorithm).namedCurve;
  if (algorithm.name === "ECDSA" && typeof namedCurve === "string") {
    return {
      algorithm: { name: "ECDSA", namedCurve },
      signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
      signatureName: "ECDSAWithSHA256",
    };
  }
  throw new Error(`unsupported CA key algorithm ${algorithm.name}; use RSA or ECDSA`);
}

/** 20 random bytes, positive and without a leading zero byte: 40 hex digits like Cloudflare's. */
function randomSerialNumber(): string {
  const bytes = randomBytes(20);
  bytes[0] = 0x10 + ((bytes[0] ?? 0) % 0x70);
  return bytes.toString("hex");
}

function uuidFromDigest(digest: Buffer): string {
  const hex = Buffer.from(digest.subarray(0, 16));
  hex[6] = ((hex[6] ?? 0) & 0x0f) | 0x40;
  hex[8] = ((hex[8] ?? 0) & 0x3f) | 0x80;
  const h = hex.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
