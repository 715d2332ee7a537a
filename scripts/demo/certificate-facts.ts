import { createPrivateKey, X509Certificate } from "node:crypto";
import { check, DemoCheckError } from "./demo-check-error";

const CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";

/** What the demo shows about the issued certificate, each fact read from the PEM itself. */
export interface CertificateFacts {
  readonly id: string;
  readonly status: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly fingerprintSha256: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  readonly key: string;
  readonly clientAuth: boolean;
  readonly chainsToCa: boolean;
}

/**
 * Parses `certificatePem` and `privateKeyPem` from the stack outputs with node:crypto and checks
 * the provider's plain outputs against the certificate, so the summary does not just repeat what
 * the provider said. Throws a DemoCheckError on the first disagreement.
 */
export function certificateFacts(outputs: Record<string, unknown>, caPem: string): CertificateFacts {
  const certificate = new X509Certificate(stringOutput(outputs, "certificatePem"));
  const ca = new X509Certificate(caPem);
  const serialNumber = certificate.serialNumber.toLowerCase();
  const fingerprintSha256 = certificate.fingerprint256.replaceAll(":", "").toLowerCase();

  check(
    serialNumber.replace(/^0+/, "") === stringOutput(outputs, "serialNumber").toLowerCase().replace(/^0+/, ""),
    `output serialNumber ${stringOutput(outputs, "serialNumber")} is not the certificate's serial ${serialNumber}`,
  );
  check(
    fingerprintSha256 === stringOutput(outputs, "fingerprintSha256"),
    `output fingerprintSha256 ${stringOutput(outputs, "fingerprintSha256")} is not the certificate's ${fingerprintSha256}`,
  );
  check(
    certificate.validToDate.getTime() === Date.parse(stringOutput(outputs, "expiresOn")),
    `output expiresOn ${stringOutput(outputs, "expiresOn")} is not the certificate's notAfter ${certificate.validToDate.toISOString()}`,
  );
  check(
    certificate.checkPrivateKey(createPrivateKey(stringOutput(outputs, "privateKeyPem"))),
    "the private key in output privateKeyPem does not match the certificate's public key",
  );

  return {
    id: stringOutput(outputs, "certificateId"),
    status: stringOutput(outputs, "status"),
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    serialNumber,
    fingerprintSha256,
    validFrom: certificate.validFromDate,
    validTo: certificate.validToDate,
    key: describeKey(certificate),
    clientAuth: (certificate.keyUsage ?? []).includes(CLIENT_AUTH_OID),
    chainsToCa: certificate.checkIssued(ca) && certificate.verify(ca.publicKey),
  };
}

/** The summary lines, aligned, for a terminal. */
export function describeCertificate(facts: CertificateFacts): string[] {
  const days = Math.round((facts.validTo.getTime() - facts.validFrom.getTime()) / 86_400_000);
  return [
    `  id           ${facts.id} (${facts.status})`,
    `  subject      ${facts.subject}`,
    `  issuer       ${facts.issuer}`,
    `  serial       ${facts.serialNumber}`,
    `  SHA-256      ${facts.fingerprintSha256}`,
    `  valid        ${isoSeconds(facts.validFrom)} to ${isoSeconds(facts.validTo)} (${days} days)`,
    `  expires in   ${Math.round((facts.validTo.getTime() - Date.now()) / 86_400_000)} days`,
    `  key          ${facts.key}; the private key from privateKeyPem matches it`,
    `  usage        ${facts.clientAuth ? "TLS client authentication (extendedKeyUsage clientAuth)" : "no clientAuth extended key usage"}`,
    `  chains to the emulator's CA: ${facts.chainsToCa ? "yes" : "NO"}`,
  ];
}

function stringOutput(outputs: Record<string, unknown>, key: string): string {
  const value = outputs[key];
  if (typeof value !== "string" || value === "") {
    const present = Object.keys(outputs).join(", ") || "none";
    throw new DemoCheckError(`stack output ${key} is missing (outputs: ${present}); did Pulumi run examples/complete-mtls/index.ts?`);
  }
  return value;
}

/** node:crypto gives one RDN per line, most significant first; one line reads better. */
function distinguishedName(lines: string): string {
  return lines
    .split("\n")
    .filter((line) => line !== "")
    .join(", ");
}

function describeKey(certificate: X509Certificate): string {
  const { asymmetricKeyType, asymmetricKeyDetails } = certificate.publicKey;
  if (asymmetricKeyType === "ec") return `ECDSA ${asymmetricKeyDetails?.namedCurve ?? "unknown curve"}`;
  if (asymmetricKeyType === "rsa") return `RSA ${asymmetricKeyDetails?.modulusLength ?? "?"} bits`;
  return asymmetricKeyType ?? "unknown";
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
