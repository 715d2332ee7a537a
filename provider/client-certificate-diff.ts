import type * as pulumi from "@pulumi/pulumi";
import { sameCsr } from "./csr";
import { isUnknown } from "./unknown";

/**
 * Plans the change from the recorded outputs to the new inputs, without network calls.
 * The zone, the CSR (compared by content) and the validity cannot change in place, so
 * each replaces the certificate; the new one is issued before the old one is revoked.
 * A certificate that refresh found revoked is replaced; one still pending revocation is
 * reactivated in place. With `renewBeforeDays`, a certificate that close to expiry is replaced.
 */
export function diffClientCertificate(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  now: number = Date.now(),
): pulumi.dynamic.DiffResult {
  const replaces: string[] = [];
  // A value unknown during preview differs from every recorded one: it is a replacement as well.
  if (olds["zoneId"] !== news["zoneId"]) replaces.push("zoneId");
  if (olds["validityDays"] !== news["validityDays"]) replaces.push("validityDays");
  const oldCsr = olds["csr"];
  const newCsr = news["csr"];
  if (isUnknown(newCsr) || typeof oldCsr !== "string" || typeof newCsr !== "string" || !sameCsr(oldCsr, newCsr)) replaces.push("csr");
  if (olds["status"] === "revoked") replaces.push("status");
  if (dueForRenewal(olds["expiresOn"], news["renewBeforeDays"], now)) replaces.push("expiresOn");

  const reactivate = olds["status"] === "pending_revocation";
  const renewalWindowChanged = olds["renewBeforeDays"] !== news["renewBeforeDays"];
  return { changes: replaces.length > 0 || reactivate || renewalWindowChanged, replaces, deleteBeforeReplace: false };
}

const DAY_MS = 86_400_000;

function dueForRenewal(expiresOn: unknown, renewBeforeDays: unknown, now: number): boolean {
  if (typeof expiresOn !== "string" || typeof renewBeforeDays !== "number") return false;
  const expiry = Date.parse(expiresOn);
  return !Number.isNaN(expiry) && expiry - now <= renewBeforeDays * DAY_MS;
}
