import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";
import { apiErrors } from "./errors";

/** Subject fields the API copies from the CSR; an absent field is "". */
export interface CsrSubject {
  readonly commonName: string;
  readonly country: string;
  readonly state: string;
  readonly location: string;
  readonly organization: string;
  readonly organizationalUnit: string;
}

export interface VerifiedCsr {
  readonly publicKey: x509.PublicKey;
  readonly subjectName: x509.Name;
  readonly subject: CsrSubject;
  /** The CSR as the API echoes it: the submitted text with CRLF line endings. */
  readonly echoed: string;
}

const PEM_BLOCK = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----([^-]*)-----END (NEW )?CERTIFICATE REQUEST-----/g;
const SUPPORTED_CURVES = new Set(["P-256", "P-384", "P-521"]);
const MIN_RSA_BITS = 2048;

/**
 * Parses and verifies a PEM CSR as submitted in `POST .../client_certificates`: exactly one
 * CERTIFICATE REQUEST block (LF or CRLF), a valid self-signature, and an RSA (>= 2048 bits) or ECDSA
 * key. Throws the matching ApiError otherwise.
 */
export async function verifyCsr(text: string): Promise<VerifiedCsr> {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const block = blocks[0];
  if (block === undefined) {
    throw apiErrors.csrUnparseable("no PEM block -----BEGIN CERTIFICATE REQUEST----- found");
  }
  if (blocks.length > 1) {
    throw apiErrors.csrUnparseable("more than one CERTIFICATE REQUEST block");
  }
  const base64 = (block[2] ?? "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw apiErrors.csrUnparseable("the PEM body is not valid base64");
  }

  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(Buffer.from(base64, "base64"));
  } catch (error) {
    throw apiErrors.csrUnparseable(`not a PKCS#10 certificate request (${error instanceof Error ? error.message : String(error)})`);
  }

  let keyAlgorithm: webcrypto.Algorithm;
  try {
    keyAlgorithm = request.publicKey.algorithm;
  } catch {
    throw apiErrors.csrKeyUnsupported("the key algorithm is not recognised; use RSA or ECDSA");
  }
  checkKey(keyAlgorithm);

  let signatureValid: boolean;
  try {
    signatureValid = await request.verify(webcrypto);
  } catch {
    signatureValid = false;
  }
  if (!signatureValid) {
    throw apiErrors.csrSignatureInvalid();
  }

  const name = request.subjectName;
  const field = (oid: string) => name.getField(oid)[0] ?? "";
  return {
    publicKey: request.publicKey,
    subjectName: name,
    subject: {
      commonName: field("2.5.4.3"),
      country: field("2.5.4.6"),
      state: field("2.5.4.8"),
      location: field("2.5.4.7"),
      organization: field("2.5.4.10"),
      organizationalUnit: field("2.5.4.11"),
    },
    echoed: text.replace(/\r?\n/g, "\r\n"),
  };
}

function checkKey(algorithm: webcrypto.Algorithm): void {
  if (algorithm.name === "RSASSA-PKCS1-v1_5" || algorithm.name === "RSA-PSS") {
    const bits = (algorithm as webcrypto.RsaKeyAlgorithm).modulusLength;
    if (typeof bits === "number" && bits < MIN_RSA_BITS) {
      throw apiErrors.csrKeyUnsupported(`RSA keys must have at least ${MIN_RSA_BITS} bits, this one has ${bits}`);
    }
    return;
  }
  if (algorithm.name === "ECDSA") {
    const curve = (algorithm as webcrypto.EcKeyAlgorithm).namedCurve;
    if (!SUPPORTED_CURVES.has(curve)) {
      throw apiErrors.csrKeyUnsupported(`ECDSA curve ${curve} is not supported; use P-256, P-384 or P-521`);
    }
    return;
  }
  throw apiErrors.csrKeyUnsupported(`${algorithm.name} keys are not supported; use RSA or ECDSA`);
}
