import * as pulumi from "@pulumi/pulumi";
import { HostnameAssociation } from "pulumi-cloudflare-mtls";

// One HostnameAssociation per entry of config `associations`: { "<name>": { hostnames, exclusive?, mtlsCertificateId? } }.
const config = new pulumi.Config();
const zoneId = config.require("zoneId");
const associations =
  config.requireObject<Record<string, { hostnames: string[]; exclusive?: boolean; mtlsCertificateId?: string }>>("associations");

export const hostnames: Record<string, pulumi.Output<string[]>> = {};
for (const [name, args] of Object.entries(associations)) {
  const association = new HostnameAssociation(name, {
    zoneId,
    hostnames: args.hostnames,
    ...(args.exclusive === undefined ? {} : { exclusive: args.exclusive }),
    ...(args.mtlsCertificateId === undefined ? {} : { mtlsCertificateId: args.mtlsCertificateId }),
  });
  hostnames[name] = association.hostnames;
}
