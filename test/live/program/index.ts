import * as pulumi from "@pulumi/pulumi";
import { CertificateRequest, ClientCertificate, type KeyAlgorithm } from "pulumi-cloudflare-mtls";

// The live suite's stack (test/live/live-stack.ts): one generated key, CSR and client certificate per
// key type the API accepted. The first certificate's validity comes from config, so that changing it
// exercises a replacement; every common name starts with the run's prefix, for the sweeper.
const config = new pulumi.Config();
const zoneId = config.require("zoneId");
const prefix = config.require("commonNamePrefix");
const keyAlgorithms = config.require("keyAlgorithms").split(",") as KeyAlgorithm[];
const firstValidityDays = config.requireNumber("firstValidityDays");

const issued = keyAlgorithms.map((keyAlgorithm, index) => {
  const name = keyAlgorithm.toLowerCase().replace("_", "-");
  const request = new CertificateRequest(name, {
    subject: { commonName: `${prefix}stack-${name}`, organization: "pulumi-cloudflare-mtls live test" },
    keyAlgorithm,
  });
  const certificate = new ClientCertificate(name, { zoneId, csr: request.csrPem, validityDays: index === 0 ? firstValidityDays : 30 });
  return pulumi
    .all([certificate.id, certificate.status, certificate.commonName, certificate.certificate, request.privateKeyPem])
    .apply(([id, status, commonName, certificatePem, privateKeyPem]) => ({
      keyAlgorithm,
      id,
      status,
      commonName,
      certificatePem,
      privateKeyPem,
    }));
});

// Secret as a whole (it holds the PEMs and keys); the suite reads it with --show-secrets and prints none of it.
export const certificates = pulumi.all(issued);
