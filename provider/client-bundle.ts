import { createPrivateKey, X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** The parts of a client identity, all PEM. */
export interface ClientBundleParts {
  /** The issued certificate: a {@link ClientCertificate}'s `certificate` output. */
  readonly certificate: string;
  /** Its private key (PKCS#8, PKCS#1 or SEC1): a {@link CertificateRequest}'s `privateKeyPem`, or your own. */
  readonly privateKeyPem: string;
  /**
   * The certificate of the CA that signed it. Cloudflare's API names the CA (`certificateAuthority`,
   * `{ id, name }`) but does not return its certificate: download "Cloudflare Managed CA" from the
   * dashboard (SSL/TLS > Client Certificates) if a client or server needs the chain. When given, the
   * certificate must verify against it.
   */
  readonly caCertificatePem?: string;
}

/**
 * The certificate followed by its CA certificate, when given: what a client sends as its chain.
 * Checks that the certificate parses and, with a CA, that the CA issued it.
 */
export function certificateChainPem(certificate: string, caCertificatePem?: string): string {
  return verifiedChain(certificate, caCertificatePem).pem;
}

/** The chain's PEM, and its parsed first certificate for the key check of {@link clientBundlePem}. */
function verifiedChain(certificate: string, caCertificatePem: string | undefined): { leaf: X509Certificate; pem: string } {
  const leaf = parseCertificate(certificate, "certificate");
  if (caCertificatePem === undefined) return { leaf, pem: leaf.toString() };
  const ca = parseCertificate(caCertificatePem, "caCertificatePem");
  // The name alone is not enough: another CA can have the same name (a test CA, a rotated key).
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) {
    throw new Error(
      `the certificate (issuer "${oneLine(leaf.issuer)}") was not signed by the CA certificate given ("${oneLine(ca.subject)}"): pass the CA named in the certificate's certificateAuthority output`,
    );
  }
  return { leaf, pem: `${leaf.toString()}${ca.toString()}` };
}

/**
 * One PEM file holding the certificate, the CA certificate (when given) and the private key, in that
 * order: what `curl --cert bundle.pem`, nginx `proxy_ssl_certificate` + `proxy_ssl_certificate_key`
 * (the same file twice), HAProxy `crt` and Python `ssl.load_cert_chain` read. Checks that the key is the
 * certificate's and, with a CA, that the CA issued it, so a mix-up fails here and not in a TLS handshake.
 *
 * Browsers and Java keystores want PKCS#12; make one from this file with openssl:
 * `openssl pkcs12 -export -in bundle.pem -out client.p12 -name client` (it asks for the export password;
 * `keytool -importkeystore -srckeystore client.p12 -srcstoretype PKCS12 -destkeystore client.jks` then
 * gives a JKS). The key in the bundle is not encrypted: treat the file as the secret it is.
 *
 * @example
 * ```ts
 * writeFileSync("bundle.pem", clientBundlePem({ certificate, privateKeyPem }), { mode: 0o600 });
 * ```
 */
export function clientBundlePem(parts: ClientBundleParts): string {
  const { leaf, pem: chain } = verifiedChain(parts.certificate, parts.caCertificatePem);
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(normalize(parts.privateKeyPem));
  } catch {
    throw new Error("privateKeyPem is not a PEM private key (PKCS#8 PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new Error(
      `privateKeyPem is not the key of the certificate for "${oneLine(leaf.subject)}": pass the private key of the CSR the certificate was issued for`,
    );
  }
  return `${chain}${key.export({ type: "pkcs8", format: "pem" }).toString()}`;
}

/**
 * {@link clientBundlePem} of resource outputs, as a secret `pulumi.Output`: export it or write it
 * into a secret store, and the key stays encrypted in state and masked in the CLI.
 *
 * @example
 * ```ts
 * const request = new CertificateRequest("api-client", { subject: { commonName: "api-client.example.com" } });
 * const cert = new ClientCertificate("api-client", { zoneId, csr: request.csrPem, validityDays: 365 });
 * export const bundlePem = clientBundle({ certificate: cert.certificate, privateKeyPem: request.privateKeyPem });
 * ```
 */
export function clientBundle(parts: {
  certificate: pulumi.Input<string>;
  privateKeyPem: pulumi.Input<string>;
  caCertificatePem?: pulumi.Input<string>;
}): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([parts.certificate, parts.privateKeyPem, parts.caCertificatePem])
      .apply(([certificate, privateKeyPem, caCertificatePem]) =>
        clientBundlePem(caCertificatePem === undefined ? { certificate, privateKeyPem } : { certificate, privateKeyPem, caCertificatePem }),
      ),
  );
}

function parseCertificate(pem: string, name: string): X509Certificate {
  try {
    return new X509Certificate(normalize(pem));
  } catch {
    throw new Error(`${name} is not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
}

// Cloudflare echoes PEM with CRLF, and config values often carry literal "\n".
function normalize(pem: string): string {
  return pem.replace(/\\n/g, "\n").replace(/\r\n/g, "\n");
}

function oneLine(name: string): string {
  return name.replace(/\n/g, ", ");
}
