import type * as pulumi from "@pulumi/pulumi";
import { sameHostnames } from "./hostnames";

/**
 * Plans the change from the recorded outputs to the new inputs, without network calls. Zone and CA
 * identify the list, so changing either replaces the resource; hostnames and `exclusive` change in
 * place. Drift recorded by refresh (own hostnames missing, or others' with `exclusive`) is a change,
 * so the next `up` repairs it. `hostnames` in the outputs are the ones found associated, so the
 * engine's one-line diff shows `~hostnames` both for an edit and for a repair.
 */
export function diffHostnameAssociation(olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.DiffResult {
  const replaces: string[] = [];
  // An unknown value (preview) is a placeholder string no recorded value equals, so it counts as a change.
  if (olds["zoneId"] !== news["zoneId"]) replaces.push("zoneId");
  if (olds["mtlsCertificateId"] !== news["mtlsCertificateId"]) replaces.push("mtlsCertificateId");

  const oldHostnames = stringList(olds["hostnames"]);
  const newHostnames = news["hostnames"];
  const hostnamesChanged =
    !Array.isArray(newHostnames) ||
    newHostnames.some((hostname) => typeof hostname !== "string") ||
    oldHostnames === undefined ||
    !sameHostnames(oldHostnames, newHostnames as string[]) ||
    (stringList(olds["missingHostnames"])?.length ?? 0) > 0;
  const exclusiveChanged = olds["exclusive"] !== news["exclusive"];
  const othersToRemove = news["exclusive"] === true && (stringList(olds["unexpectedHostnames"])?.length ?? 0) > 0;
  return { changes: replaces.length > 0 || hostnamesChanged || exclusiveChanged || othersToRemove, replaces, deleteBeforeReplace: false };
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((entry) => typeof entry === "string") ? (value as string[]) : undefined;
}
