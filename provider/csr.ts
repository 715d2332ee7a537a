import { createHash, createPublicKey } from "node:crypto";
import { cached, newBoundedCache, remember } from "./bounded-cache";
import { type DerEncodingProblem, derEncodingProblem } from "./der-encoding";

/**
 * Certificate signing requests: accepting the forms users paste (CRLF, literal `\n`
 * escapes, surrounding text), comparing them by content, and checking that Cloudflare
 * will sign them.
 */

/**
 * Longest text {@link csrDer} examines: twice the 65,536 characters a `csr` input may have, which
 * leaves room for the CRLF line endings and rewrapping of a CSR that Cloudflare echoes back. Real
 * CSRs are 0.5 to 2 KB. CSR text also arrives from the network, so its cost must stay bounded.
 */
export const MAX_CSR_TEXT_CHARS = 131_072;

const PEM_MARKER = /-----(BEGIN|END) (?:NEW )?CERTIFICATE REQUEST-----/g;

/** A CSR that failed validation; `reason` is a sentence for the `csr` property. */
export class CsrError extends Error {
  constructor(readonly reason: string) {
    super(`csr ${reason}`);
    this.name = "CsrError";
  }
}

/** Key types the Cloudflare managed CA signs, as checked by {@link inspectCsr}. */
export const SUPPORTED_KEYS = "RSA 2048 to 4096 bits, or ECDSA on P-256 or P-384";

const HOW_TO_MAKE_ONE =
  "create one with `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -subj /CN=client` " +
  "or declare a CertificateRequest resource";

/** Turns literal `\n` escapes into newlines and CRLF into LF. */
export function normalizeLineEndings(text: string): string {
  return text.replace(/\\r\\n|\\n/g, "\n").replace(/\r\n?/g, "\n");
}

/**
 * The bodies of the CSR PEM blocks in `text`, in one pass over its markers. A block runs from a
 * BEGIN line to the first END line after it. (A lazy `BEGIN([\s\S]*?)END` regex does the same but
 * rescans to the end of the text from every BEGIN that has no END: quadratic time.)
 */
function pemBlockBodies(text: string): string[] {
  const bodies: string[] = [];
  let bodyStart: number | undefined;
  for (const marker of text.matchAll(PEM_MARKER)) {
    if (marker[1] === "BEGIN") {
      bodyStart ??= marker.index + marker[0].length;
    } else if (bodyStart !== undefined) {
      bodies.push(text.slice(bodyStart, marker.index));
      bodyStart = undefined;
    }
  }
  return bodies;
}

/** Extracts the DER bytes of the single CSR in `text`, or throws {@link CsrError}. */
export function csrDer(text: string): Buffer {
  if (text.length > MAX_CSR_TEXT_CHARS) {
    throw new CsrError(
      `is ${text.length} characters long, more than the ${MAX_CSR_TEXT_CHARS} a certificate signing request can take; check that the right file was read`,
    );
  }
  const blocks = pemBlockBodies(normalizeLineEndings(text));
  if (blocks.length === 0) {
    throw new CsrError(
      `is not a PEM certificate signing request: expected a "-----BEGIN CERTIFICATE REQUEST-----" block; ${HOW_TO_MAKE_ONE}`,
    );
  }
  if (blocks.length > 1) {
    throw new CsrError(`holds ${blocks.length} certificate signing requests; give exactly one per ClientCertificate`);
  }
  const body = (blocks[0] ?? "").replace(/\s+/g, "");
  if (body === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
    throw new CsrError("has a PEM block whose body is not valid base64; copy the whole file, including the BEGIN and END lines");
  }
  return Buffer.from(body, "base64");
}

/** Formats DER bytes as a canonical PEM CSR: LF line endings, 64 columns, trailing newline. */
export function csrPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join("\n")}\n-----END CERTIFICATE REQUEST-----\n`;
}

/**
 * Whether two CSR texts hold the same request. Compares DER bytes, so line endings,
 * trailing newlines, escapes and line wrapping never cause a difference. Texts that do
 * not parse are compared after normalising line endings.
 */
export function sameCsr(a: string, b: string): boolean {
  try {
    return csrDer(a).equals(csrDer(b));
  } catch {
    return normalizeLineEndings(a).trim() === normalizeLineEndings(b).trim();
  }
}

/** What {@link inspectCsr} learned about a valid CSR. */
export interface CsrFacts {
  /** Canonical PEM of the request. */
  pem: string;
  /** The subject, as an RFC 4514-style string. */
  subject: string;
  /** E.g. "RSA 2048" or "ECDSA P-256". */
  keyDescription: string;
  /** SHA-256 of the subject public key info (DER), hex: identifies the key pair. */
  publicKeySha256: string;
}

/** SHA-256 hex of a public key's SPKI DER. */
export function spkiSha256(spkiDer: ArrayBuffer | Uint8Array): string {
  return createHash("sha256").update(new Uint8Array(spkiDer)).digest("hex");
}

/**
 * Parses a CSR, verifies its self-signature and checks that its key is one the
 * Cloudflare CA signs. Throws {@link CsrError} with the reason otherwise. With
 * `issuancePolicy: false` (a certificate that already exists) any key and hash are described instead.
 */
export async function inspectCsr(text: string, options: { issuancePolicy?: boolean } = {}): Promise<CsrFacts> {
  const enforce = options.issuancePolicy ?? true;
  const der = csrDer(text);
  if (der.length > MAX_CACHED_CSR_BYTES) return inspectCsrDer(der, enforce);
  const key = `${enforce ? "issuance" : "existing"}:${createHash("sha256").update(der).digest("hex")}`;
  const known = cached(inspected, key);
  if (known !== undefined) return known;
  const facts = Object.freeze(await inspectCsrDer(der, enforce));
  remember(inspected, key, facts);
  return facts;
}

/**
 * CSRs that passed {@link inspectCsr}, by policy and DER hash: the engine checks every input before
 * creating, so each CSR would otherwise be parsed and its signature verified twice in one provider
 * process. Only valid results are kept, and CSRs are public: nothing secret is held. 1024 entries cover a
 * deployment of that many certificates; at most 8 KB of CSR each keeps the worst case near 12 MB.
 */
const inspected = newBoundedCache<CsrFacts>(1024);
const MAX_CACHED_CSR_BYTES = 8192;

async function inspectCsrDer(der: Buffer, enforce: boolean): Promise<CsrFacts> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  let request: InstanceType<typeof x509.Pkcs10CertificateRequest>;
  try {
    request = new x509.Pkcs10CertificateRequest(der);
  } catch {
    throw new CsrError(`does not decode as a PKCS#10 certificate signing request; ${HOW_TO_MAKE_ONE}`);
  }
  const encoding = derEncodingProblem(der);
  // A certificate that already exists was signed from these bytes: only a request about to be sent must be DER.
  if (encoding !== undefined && (enforce || encoding.kind !== "not-der")) throw new CsrError(describeEncodingProblem(encoding));
  const spki = new Uint8Array(request.publicKey.rawData);
  const key = describeKey(spki);
  if (enforce && key.problem !== undefined) throw new CsrError(key.problem);
  const hash = (request.signatureAlgorithm as { hash?: { name?: unknown } }).hash?.name;
  if (enforce && (typeof hash !== "string" || !ACCEPTED_SIGNATURE_HASHES.includes(hash))) {
    const used = typeof hash === "string" ? hash : (request.signatureAlgorithm as { name?: unknown }).name;
    throw new CsrError(
      `is signed with ${String(used)}, which is not accepted; sign it with ${ACCEPTED_SIGNATURE_HASHES.join(", ")} (openssl req -sha256)`,
    );
  }
  let verified: boolean;
  try {
    verified = await request.verify();
  } catch {
    verified = false;
  }
  if (!verified) {
    throw new CsrError(
      "has a signature that does not verify with its own public key: it was altered or signed with another key; create it again from the private key",
    );
  }
  return { pem: csrPem(der), subject: request.subject, keyDescription: key.description, publicKeySha256: spkiSha256(spki) };
}

/** Hashes a CSR may be signed with; SHA-1 and MD5 signatures can be forged. */
const ACCEPTED_SIGNATURE_HASHES = ["SHA-256", "SHA-384", "SHA-512"];

function describeEncodingProblem(problem: DerEncodingProblem): string {
  switch (problem.kind) {
    case "not-der":
      return (
        "is not DER-encoded as PKCS#10 requires: it has an indefinite length, or a length written with more bytes than needed; " +
        "create it again from the private key (openssl req -new -key client.key -subj /CN=client)"
      );
    case "cut":
      return "has a length that does not match its content: it was cut or padded; copy the whole file again";
    case "trailing":
      return `has ${problem.bytes} bytes after the end of the request: it was cut or padded; copy the whole file again`;
  }
}

/** The key's description, and why Cloudflare would not sign it, if so. */
function describeKey(spki: Uint8Array): { description: string; problem?: string } {
  let details: { type: string | undefined; modulusLength?: number | undefined; namedCurve?: string | undefined };
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    details = { type: key.asymmetricKeyType, ...key.asymmetricKeyDetails };
  } catch {
    throw new CsrError(`has a public key this package cannot read; Cloudflare signs ${SUPPORTED_KEYS}`);
  }
  if (details.type === "rsa") {
    const bits = details.modulusLength ?? 0;
    const description = `RSA ${bits}`;
    if (bits < 2048 || bits > 4096) return { description, problem: `has an RSA key of ${bits} bits; Cloudflare signs ${SUPPORTED_KEYS}` };
    return { description };
  }
  if (details.type === "ec") {
    const curve = { prime256v1: "P-256", "P-256": "P-256", secp384r1: "P-384", "P-384": "P-384" }[details.namedCurve ?? ""];
    if (curve === undefined) {
      return {
        description: `ECDSA ${details.namedCurve ?? "unknown curve"}`,
        problem: `has an ECDSA key on curve ${details.namedCurve}; Cloudflare signs ${SUPPORTED_KEYS}`,
      };
    }
    return { description: `ECDSA ${curve}` };
  }
  return {
    description: details.type ?? "unknown key",
    problem: `has a key of type ${details.type ?? "unknown"}; Cloudflare signs ${SUPPORTED_KEYS}`,
  };
}
