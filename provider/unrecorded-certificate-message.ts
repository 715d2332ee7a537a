import type { ApiClientCertificate } from "./api-types";
import { PROGRAM, revokeCommandLine } from "./command-lines";

/**
 * Why a create refused to issue beside unrecorded twins, and the three ways forward, each with the
 * exact text to paste: adopt (this resource's lost create), revoke (nobody's), or coexist (on purpose).
 */
export function unrecordedTwinsMessage(zoneId: string, twins: readonly ApiClientCertificate[]): string {
  const described = twins.map((twin) => `${twin.id} (issued ${twin.issued_on ?? "at an unknown time"})`);
  const ids = twins.map((twin) => twin.id);
  const [first] = ids;
  const which =
    twins.length === 1
      ? `an active certificate for this CSR and validity is`
      : `${twins.length} active certificates for this CSR and validity are`;
  return [
    `creating client certificate in zone ${zoneId}: nothing was sent, because ${which} in the zone but in no state of this deployment: ${described.join(", ")}.`,
    `It may have been issued for this resource by an earlier \`pulumi up\` that was interrupted (killed, timed out) before Cloudflare's answer arrived. Issuing another would leave it active and unmanaged. Choose one:`,
    `  - it is this resource's certificate: add \`adoptCertificateId: "${first}"\` to this resource and run \`pulumi up\`; nothing new is issued${twins.length > 1 ? ", then revoke the others as below" : ""};`,
    `  - nobody uses it: run \`${revokeCommandLine(zoneId, ids)}\`, then \`pulumi up\`;`,
    `  - it belongs to another stack or resource on purpose (or this is a forced replacement, \`pulumi up --replace\` or a tainted resource, of a certificate issued today, which the engine does not show the provider): add \`coexistingCertificateIds: ${JSON.stringify(ids)}\` to this resource.`,
    `\`pulumi stack export --file state.json && npx ${PROGRAM} audit --zone ${zoneId} --state state.json\` compares the zone with the stack's state.`,
  ].join("\n");
}
