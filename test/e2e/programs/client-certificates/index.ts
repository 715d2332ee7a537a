import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { ClientCertificate } from "pulumi-cloudflare-mtls";

// One ClientCertificate per entry of config `certificates`, all for the CSR in client.csr:
// { "<name>": { validityDays, adoptCertificateId?, coexistingCertificateIds? } }.
const config = new pulumi.Config();
const zoneId = config.require("zoneId");
const csr = fs.readFileSync("client.csr", "utf8");
const certificates =
  config.requireObject<Record<string, { validityDays: number; adoptCertificateId?: string; coexistingCertificateIds?: string[] }>>(
    "certificates",
  );

export const ids: Record<string, pulumi.Output<string>> = {};
for (const [name, args] of Object.entries(certificates)) {
  const certificate = new ClientCertificate(name, {
    zoneId,
    csr,
    validityDays: args.validityDays,
    ...(args.adoptCertificateId === undefined ? {} : { adoptCertificateId: args.adoptCertificateId }),
    ...(args.coexistingCertificateIds === undefined ? {} : { coexistingCertificateIds: args.coexistingCertificateIds }),
  });
  ids[name] = certificate.id;
}
