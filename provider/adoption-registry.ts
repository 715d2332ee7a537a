import * as pulumi from "@pulumi/pulumi";
import { AdoptionError } from "./errors";

/**
 * The certificates adopted by the `ClientCertificate`s this program declared so far, as
 * `<project>/<stack>/<certificate id>` → resource name. Program side only: the provider never
 * references it, so it is not serialized.
 */
const adopters: Record<string, string> = {};

/**
 * Fails the program when two resources declare the same `adoptCertificateId`, naming both, before
 * anything is registered (as happens when `adopt` output is pasted twice). An id given as an Output
 * is checked by the provider process when the resources are created.
 */
export function registerAdoption(resourceName: string, certificateId: pulumi.Input<string> | undefined): void {
  if (typeof certificateId !== "string") return;
  const key = `${pulumi.getProject()}/${pulumi.getStack()}/${certificateId}`;
  const earlier = Object.hasOwn(adopters, key) ? adopters[key] : undefined;
  if (earlier !== undefined && earlier !== resourceName) {
    throw new AdoptionError(
      `ClientCertificate "${resourceName}" and "${earlier}" both adopt client certificate ${certificateId}: a certificate can be managed by one resource only; ` +
        `remove one of the two declarations (\`pulumi-cloudflare-mtls adopt\` prints every certificate of the zone, those this stack already manages too)`,
    );
  }
  adopters[key] = resourceName;
}
