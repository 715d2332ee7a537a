import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_CERTIFICATE_TYPE } from "../../provider/cli/stack-state";

/** A ClientCertificate as a test puts it in a stack's state. */
export interface ExportedCertificate {
  name: string;
  zoneId: string;
  csr: string;
  validityDays: number;
  /** The certificate id; absent for a create still pending. */
  id?: string;
}

const urnOf = (name: string) => `urn:pulumi:dev::mtls::${CLIENT_CERTIFICATE_TYPE}::${name}`;

/**
 * Writes `file` in `directory` shaped like `pulumi stack export` (version 3): managed resources with
 * inputs and outputs, and `pendingCreates` as the engine leaves them when `pulumi up` is killed.
 */
export function writeStackExport(
  directory: string,
  file: string,
  managed: ExportedCertificate[],
  pendingCreates: ExportedCertificate[] = [],
): string {
  const stackUrn = "urn:pulumi:dev::mtls::pulumi:pulumi:Stack::mtls-dev";
  const properties = (certificate: ExportedCertificate) => ({
    zoneId: certificate.zoneId,
    csr: certificate.csr,
    validityDays: certificate.validityDays,
    __provider: "exports.handler = …",
  });
  const document = {
    version: 3,
    deployment: {
      manifest: { time: "2026-11-29T10:00:00Z", magic: "", version: "v3.276.0" },
      resources: [
        { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
        ...managed.map((certificate) => ({
          urn: urnOf(certificate.name),
          custom: true,
          id: certificate.id,
          type: CLIENT_CERTIFICATE_TYPE,
          inputs: properties(certificate),
          outputs: {
            ...properties(certificate),
            status: "active",
            certificate: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" },
          },
          parent: stackUrn,
        })),
      ],
      pending_operations: pendingCreates.map((certificate) => ({
        resource: {
          urn: urnOf(certificate.name),
          custom: true,
          type: CLIENT_CERTIFICATE_TYPE,
          inputs: properties(certificate),
          parent: stackUrn,
        },
        type: "creating",
      })),
    },
  };
  writeFileSync(join(directory, file), JSON.stringify(document, null, 4));
  return file;
}
