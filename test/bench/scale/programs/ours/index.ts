import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { ClientCertificate } from "pulumi-cloudflare-mtls";

// `count` certificates, each for its own CSR from csrs.json (written by the benchmark).
const config = new pulumi.Config();
const csrs = JSON.parse(readFileSync("csrs.json", "utf8")) as string[];
for (let index = 0; index < config.requireNumber("count"); index++) {
  new ClientCertificate(`certificate-${index}`, { zoneId: config.require("zoneId"), csr: csrs[index] ?? "", validityDays: 365 });
}
