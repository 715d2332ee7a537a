import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";
import { subjectToX509Name, type CertificateSubject } from "../../provider/certificate-subject";
import { rsaParameters, webCryptoParameters, type WebCryptoParameters } from "../../provider/key-generation";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** Key types for test CSRs. RSA-1024 and Ed25519 exist to test rejection. */
export type CsrKeyAlgorithm = "RSA-1024" | "RSA-2048" | "RSA-3072" | "RSA-4096" | "ECDSA-P256" | "ECDSA-P384" | "Ed25519";

/** The subject fields are those of a CertificateRequest, written into the CSR the same way. */
export interface GenerateCsrOptions extends CertificateSubject {
  /** @default "ECDSA-P256" (fast; RSA key generation is slow on small machines) */
  readonly algorithm?: CsrKeyAlgorithm;
  /** Generate a new key instead of reusing this test file's key for the algorithm. @default false */
  readonly freshKey?: boolean;
  /** Line endings of `csrPem`. @default "\n" */
  readonly lineEnding?: "\n" | "\r\n";
}

export interface GeneratedCsr {
  /** PEM with a trailing line ending. */
  readonly csrPem: string;
  /** SPKI PEM of the CSR's public key. */
  readonly publicKeyPem: string;
  readonly privateKey: CryptoKey;
  /** PKCS#8 PEM of the private key. */
  readonly privateKeyPem: string;
}

/** The provider's parameters for the key types it generates (tests sign as it does); RSA 1024 and Ed25519 beside them. */
const PARAMETERS: Readonly<Record<CsrKeyAlgorithm, WebCryptoParameters | { generate: webcrypto.Algorithm; sign: webcrypto.Algorithm }>> = {
  "RSA-1024": rsaParameters(1024),
  "RSA-2048": webCryptoParameters("RSA_2048"),
  "RSA-3072": webCryptoParameters("RSA_3072"),
  "RSA-4096": webCryptoParameters("RSA_4096"),
  "ECDSA-P256": webCryptoParameters("ECDSA_P256"),
  "ECDSA-P384": webCryptoParameters("ECDSA_P384"),
  Ed25519: { generate: { name: "Ed25519" }, sign: { name: "Ed25519" } },
};

// Per test file (jest isolates modules per file): an RSA 4096 key takes about a second to generate.
const cachedKeys = new Map<CsrKeyAlgorithm, Promise<CryptoKeyPair>>();

/** A key pair for `algorithm`, shared by every caller in this test file. */
export function keyPairFor(algorithm: CsrKeyAlgorithm): Promise<CryptoKeyPair> {
  let keys = cachedKeys.get(algorithm);
  if (keys === undefined) {
    keys = generateKeyPair(algorithm);
    cachedKeys.set(algorithm, keys);
  }
  return keys;
}

export async function generateKeyPair(algorithm: CsrKeyAlgorithm): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(PARAMETERS[algorithm].generate, true, ["sign", "verify"])) as CryptoKeyPair;
}

/**
 * A real PKCS#10 CSR signed by its own key, for tests.
 *
 * @example
 * const { csrPem } = await generateCsr({ commonName: "api.example.com", organization: "Example" });
 */
export async function generateCsr(options: GenerateCsrOptions): Promise<GeneratedCsr> {
  const algorithm = options.algorithm ?? "ECDSA-P256";
  const keys = options.freshKey === true ? await generateKeyPair(algorithm) : await keyPairFor(algorithm);
  const name = new x509.Name(subjectToX509Name(options));
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: PARAMETERS[algorithm].sign }, webcrypto);
  const lineEnding = options.lineEnding ?? "\n";
  const spki = await webcrypto.subtle.exportKey("spki", keys.publicKey);
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    csrPem: `${csr.toString("pem")}\n`.replace(/\n/g, lineEnding),
    publicKeyPem: `${x509.PemConverter.encode(spki, "PUBLIC KEY")}\n`,
    privateKey: keys.privateKey,
    privateKeyPem: `${x509.PemConverter.encode(pkcs8, "PRIVATE KEY")}\n`,
  };
}
