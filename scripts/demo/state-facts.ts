import { isEncryptedSecret, type ExportedResource } from "../engine/pulumi-stack";
import { check } from "./demo-check-error";

// A certificate or private key PEM block with its body; the CSR is public and may stay in clear,
// and the provider's own code (in `__provider`) may mention the labels without a body.
const CLEAR_SECRET_PEM = /-----BEGIN ((?:[A-Z]+ )?PRIVATE KEY|CERTIFICATE)-----(?:\\[rn]|\s)+[A-Za-z0-9+/]{16}/;

/**
 * Checks `pulumi stack export` text: the certificate PEM and the private key are passphrase-encrypted
 * secrets, no PEM appears in clear, and the API token appears nowhere. Returns the lines to show.
 */
export function describeSecretsInState(exportText: string, token: string): string[] {
  const resources = (JSON.parse(exportText) as { deployment: { resources?: ExportedResource[] } }).deployment.resources ?? [];
  const certificatePem = resourceOutput(resources, "ClientCertificate", "certificate");
  const privateKeyPem = resourceOutput(resources, "CertificateRequest", "privateKeyPem");
  check(isEncryptedSecret(certificatePem), "the certificate PEM (ClientCertificate.certificate) is not an encrypted secret in state");
  check(isEncryptedSecret(privateKeyPem), "the private key (CertificateRequest.privateKeyPem) is not an encrypted secret in state");
  const clearPem = CLEAR_SECRET_PEM.exec(exportText);
  check(clearPem === null, `a ${clearPem?.[1] ?? ""} PEM appears in clear in the state export`);
  check(!exportText.includes(token), "the API token appears in the state export");
  return [
    `  ClientCertificate.certificate     secret, ${ciphertextLength(certificatePem)} characters of ciphertext`,
    `  CertificateRequest.privateKeyPem  secret, ${ciphertextLength(privateKeyPem)} characters of ciphertext`,
    "  no certificate or private key in clear, and the API token does not occur in the export",
    `  provider code in state (__provider): ${providerSizes(resources)}`,
  ];
}

function resourceOutput(resources: readonly ExportedResource[], type: string, key: string): unknown {
  const resource = resources.find((candidate) => candidate.type.endsWith(`:${type}`));
  check(resource !== undefined, `no ${type} in the state export`);
  return resource.outputs?.[key];
}

function ciphertextLength(secret: unknown): number {
  const ciphertext = (secret as { ciphertext?: unknown }).ciphertext;
  return typeof ciphertext === "string" ? ciphertext.length : 0;
}

/** A `require()` of the package's provider module is about 320 bytes; inlined code would be kilobytes. */
const MAX_PROVIDER_BYTES = 2048;

function providerSizes(resources: readonly ExportedResource[]): string {
  return (
    resources
      .filter((resource) => typeof resource.outputs?.["__provider"] === "string")
      .map((resource) => {
        const name = resource.type.split(":").pop() ?? resource.type;
        const bytes = Buffer.byteLength(String(resource.outputs?.["__provider"]));
        check(
          bytes <= MAX_PROVIDER_BYTES,
          `${name}'s __provider is ${bytes} bytes (at most ${MAX_PROVIDER_BYTES}): the program did not load pulumi-cloudflare-mtls from node_modules (run \`npm run build\`)`,
        );
        return `${name} ${bytes} bytes`;
      })
      // State order follows the engine's completion order, which varies between runs.
      .sort()
      .join(", ")
  );
}
