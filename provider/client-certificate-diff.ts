import type * as pulumi from "@pulumi/pulumi";
import { sameCsr } from "./csr";
import { isUnknown } from "./unknown";

/**
 * Plans the change from the recorded outputs to the new inputs, without network calls.
 * The zone, the CSR (compared by content) and the validity cannot change in place, so
 * each replaces the certificate; the new one is issued before the old one is revoked.
 * A certificate that refresh found revoked is replaced; one still pending revocation is
 * reactivated in place.
 */
export function diffClientCertificate(olds: Record<string, unknown>, news: Record<string, unknown>): pulumi.dynamic.DiffResult {
  const replaces: string[] = [];
  if (isUnknown(news["zoneId"]) || olds["zoneId"] !== news["zoneId"]) replaces.push("zoneId");
  if (isUnknown(news["validityDays"]) || olds["validityDays"] !== news["validityDays"]) replaces.push("validityDays");
  const oldCsr = olds["csr"];
  const newCsr = news["csr"];
  if (isUnknown(newCsr) || typeof oldCsr !== "string" || typeof newCsr !== "string" || !sameCsr(oldCsr, newCsr)) replaces.push("csr");
  if (olds["status"] === "revoked") replaces.push("status");

  const reactivate = olds["status"] === "pending_revocation";
  return { changes: replaces.length > 0 || reactivate, replaces, deleteBeforeReplace: false };
}
