import type { ApiClientCertificate } from "../provider/api-types";
import { unrecordedTwinsMessage } from "../provider/unrecorded-certificate-message";

// The message a create refuses with when active certificates for the same CSR and validity exist that
// no state of the deployment records: each way out, with the exact ids and commands to copy.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const twin = (id: string, issuedOn?: string) =>
  ({ id, ...(issuedOn === undefined ? {} : { issued_on: issuedOn }) }) as ApiClientCertificate;

test("one unrecorded certificate: adopt it, revoke it, or declare it as coexisting", () => {
  expect(unrecordedTwinsMessage(zoneId, [twin("a".repeat(32), "2026-11-29T10:00:00Z")]).split("\n")).toEqual([
    `creating client certificate in zone ${zoneId}: nothing was sent, because an active certificate for this CSR and validity is in the zone but in no state of this deployment: ${"a".repeat(32)} (issued 2026-11-29T10:00:00Z).`,
    "It may have been issued for this resource by an earlier `pulumi up` that was interrupted (killed, timed out) before Cloudflare's answer arrived. Issuing another would leave it active and unmanaged. Choose one:",
    `  - it is this resource's certificate: add \`adoptCertificateId: "${"a".repeat(32)}"\` to this resource and run \`pulumi up\`; nothing new is issued;`,
    `  - nobody uses it: run \`npx pulumi-cloudflare-mtls revoke --zone ${zoneId} ${"a".repeat(32)}\`, then \`pulumi up\`;`,
    `  - it belongs to another stack or resource on purpose (or this is a forced replacement, \`pulumi up --replace\` or a tainted resource, of a certificate issued today, which the engine does not show the provider): add \`coexistingCertificateIds: ["${"a".repeat(32)}"]\` to this resource.`,
    `\`pulumi stack export --file state.json && npx pulumi-cloudflare-mtls audit --zone ${zoneId} --state state.json\` compares the zone with the stack's state.`,
  ]);
});

test("two, one without an issue date: both are listed, the first is offered for adoption and the others for revocation", () => {
  const lines = unrecordedTwinsMessage(zoneId, [twin("a".repeat(32), "2026-11-29T10:00:00Z"), twin("b".repeat(32))]).split("\n");
  expect(lines[0]).toBe(
    `creating client certificate in zone ${zoneId}: nothing was sent, because 2 active certificates for this CSR and validity are in the zone but in no state of this deployment: ` +
      `${"a".repeat(32)} (issued 2026-11-29T10:00:00Z), ${"b".repeat(32)} (issued at an unknown time).`,
  );
  expect(lines[2]).toBe(
    `  - it is this resource's certificate: add \`adoptCertificateId: "${"a".repeat(32)}"\` to this resource and run \`pulumi up\`; nothing new is issued, then revoke the others as below;`,
  );
  expect(lines[3]).toBe(
    `  - nobody uses it: run \`npx pulumi-cloudflare-mtls revoke --zone ${zoneId} ${"a".repeat(32)} ${"b".repeat(32)}\`, then \`pulumi up\`;`,
  );
  expect(lines[4]).toContain(`add \`coexistingCertificateIds: ["${"a".repeat(32)}","${"b".repeat(32)}"]\` to this resource.`);
});
