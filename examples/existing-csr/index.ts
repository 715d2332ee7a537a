import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { ClientCertificate } from "pulumi-cloudflare-mtls";

// A client certificate for a CSR made elsewhere (openssl, an HSM, a colleague): pass the
// PEM text in config `csr` or a file path in `csrFile`.
const config = new pulumi.Config();
const zoneId = config.get("zoneId") ?? process.env["CLOUDFLARE_ZONE_ID"];
if (zoneId === undefined) {
  throw new Error("set the zone: `pulumi config set zoneId <32-hex zone id>` or CLOUDFLARE_ZONE_ID");
}
const csrFile = config.get("csrFile");
const csr = csrFile === undefined ? config.require("csr") : fs.readFileSync(csrFile, "utf8");

const certificate = new ClientCertificate("partner", {
  zoneId,
  csr,
  validityDays: config.getNumber("validityDays") ?? 365,
});

export const certificateId = certificate.id;
export const status = certificate.status;
export const expiresOn = certificate.expiresOn;
export const certificatePem = certificate.certificate;

// Optionally read a certificate managed elsewhere (not created or revoked by this stack).
const existingCertificateId = config.get("existingCertificateId");
export const existingStatus =
  existingCertificateId === undefined ? undefined : ClientCertificate.get("existing", existingCertificateId, { zoneId }).status;
