import * as pulumi from "@pulumi/pulumi";
import { CertificateRequest, ClientCertificate } from "pulumi-cloudflare-mtls";

// A certificate with a renewal window; the subject's common name comes from config so a test can
// change it and see the certificate replaced through the new CSR.
const config = new pulumi.Config();

const request = new CertificateRequest("renewing", {
  subject: { commonName: config.require("commonName"), organization: "Example" },
  keyAlgorithm: "ECDSA_P256",
});

const certificate = new ClientCertificate("renewing", {
  zoneId: config.require("zoneId"),
  csr: request.csrPem,
  validityDays: config.requireNumber("validityDays"),
  renewBeforeDays: config.requireNumber("renewBeforeDays"),
});

export const commonName = certificate.commonName;
export const expiresOn = certificate.expiresOn;
