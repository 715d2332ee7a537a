import type * as pulumi from "@pulumi/pulumi";
import { csrDer, CsrError, csrPem, inspectCsr } from "./csr";
import { describeInvalidId } from "./identifiers";
import { isUnknown } from "./unknown";

/** Inputs of a ClientCertificate after `check`: the CSR is in canonical PEM form. */
export interface ClientCertificateInputs {
  zoneId: string;
  csr: string;
  validityDays: number;
  /** Replace the certificate once it is within this many days of expiry. */
  renewBeforeDays?: number;
  /**
   * An existing certificate to take over instead of issuing one. Acts only when the resource is
   * created: `check` drops it for a resource that already exists, so changing or removing it later
   * never causes a diff.
   */
  adoptCertificateId?: string;
  /**
   * Existing certificates for the same zone, CSR and validity that a new certificate may be issued
   * beside (another stack's, or a renamed resource's). Read only when a certificate is issued.
   */
  coexistingCertificateIds?: string[];
}

/** More coexisting certificates than anyone declares on purpose: a list pasted by mistake. */
const MAX_COEXISTING_IDS = 100;

/**
 * The longest validity accepted: 15 years, the longest the Cloudflare dashboard offers.
 * The API schema states no bound, so this catches typos (36500) before an API call.
 */
export const MAX_VALIDITY_DAYS = 5475;

/** The result of checking ClientCertificate inputs. */
export interface InputCheck {
  inputs: Record<string, unknown>;
  failures: pulumi.dynamic.CheckFailure[];
}

/**
 * Validates ClientCertificate inputs without any network call. Values not yet known
 * (preview) pass through; a valid CSR is replaced by its canonical PEM so that
 * line endings or escapes never show up as changes. `olds` are the recorded inputs of an existing
 * resource, for which `adoptCertificateId` is dropped.
 */
export async function checkClientCertificateInputs(given: unknown, olds: unknown = {}): Promise<InputCheck> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  // The engine always sends an object; code that calls check directly may not.
  const news: Record<string, unknown> =
    typeof given === "object" && given !== null && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
  const inputs: Record<string, unknown> = { ...news };

  const { zoneId, csr, validityDays } = news;
  if (!isUnknown(zoneId)) {
    const problem = zoneId === undefined ? "is required: the id of the Cloudflare zone the certificate is for" : describeInvalidId(zoneId);
    if (problem !== undefined) failures.push({ property: "zoneId", reason: `zoneId ${problem}` });
  }

  if (!isUnknown(validityDays)) {
    const problem = describeInvalidValidity(validityDays);
    if (problem !== undefined) failures.push({ property: "validityDays", reason: `validityDays ${problem}` });
  }

  const { renewBeforeDays } = news;
  if (renewBeforeDays !== undefined && !isUnknown(renewBeforeDays)) {
    const problem = describeInvalidRenewal(renewBeforeDays, validityDays);
    if (problem !== undefined) failures.push({ property: "renewBeforeDays", reason: `renewBeforeDays ${problem}` });
  }

  const { adoptCertificateId } = news;
  if (adoptCertificateId !== undefined && !isUnknown(adoptCertificateId)) {
    const problem = describeInvalidId(adoptCertificateId);
    if (problem !== undefined) {
      failures.push({
        property: "adoptCertificateId",
        reason: `adoptCertificateId ${problem}; \`npx pulumi-cloudflare-mtls list --zone <zone id>\` lists the ids`,
      });
    }
  }
  const coexistingProblem = describeInvalidCoexisting(news["coexistingCertificateIds"]);
  if (coexistingProblem !== undefined)
    failures.push({ property: "coexistingCertificateIds", reason: `coexistingCertificateIds ${coexistingProblem}` });

  // The resource exists: it was adopted or issued when it was created, so the input has done its part.
  const exists = resourceExists(olds);
  if (exists) delete inputs["adoptCertificateId"];
  const recordedCsr = exists ? (olds as Record<string, unknown>)["csr"] : undefined;
  // Cloudflare already signed the CSR of a certificate being adopted: a key or hash this package would
  // not send for issuance is no reason to refuse it. (An existing resource's own CSR is not inspected
  // again at all: see unchangedCsr.)
  const alreadySigned = !exists && adoptCertificateId !== undefined;

  if (!isUnknown(csr)) {
    if (typeof csr !== "string" || csr.trim() === "") {
      failures.push({
        property: "csr",
        reason: "csr is required: a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)",
      });
    } else if (csr.length > 65_536) {
      failures.push({
        property: "csr",
        reason: `csr is ${csr.length} characters long; a certificate signing request is a few kilobytes, check that the right file was read`,
      });
    } else {
      try {
        inputs["csr"] = unchangedCsr(recordedCsr, csr) ?? (await inspectCsr(csr, { issuancePolicy: !alreadySigned })).pem;
      } catch (error) {
        if (!(error instanceof CsrError)) throw error;
        failures.push({ property: "csr", reason: error.message });
      }
    }
  }
  return { inputs, failures };
}

/**
 * The canonical PEM of `text` when it holds the same request as the CSR recorded for the resource.
 * The recorded one passed this check when the resource was created (or adopted), and checking the
 * same bytes again gives the same answer: skipping it keeps @peculiar/x509 (about 180 ms of CPU to
 * load) and a signature check per certificate out of every preview, refresh and destroy of
 * unchanged resources.
 */
function unchangedCsr(recordedCsr: unknown, text: string): string | undefined {
  if (typeof recordedCsr !== "string") return undefined;
  try {
    const der = csrDer(text);
    return der.equals(csrDer(recordedCsr)) ? csrPem(der) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `olds` are the recorded inputs of a resource (a new one has none). */
function resourceExists(olds: unknown): boolean {
  return typeof olds === "object" && olds !== null && Object.keys(olds).some((key) => key !== "__provider");
}

/** Kept on existing resources too: a replacement issues a certificate, and may meet the same twins. */
function describeInvalidCoexisting(value: unknown): string | undefined {
  if (value === undefined || isUnknown(value)) return undefined;
  if (!Array.isArray(value)) return `must be a list of certificate ids, got ${describeValue(value)}`;
  if (value.length > MAX_COEXISTING_IDS) return `lists ${value.length} certificates; at most ${MAX_COEXISTING_IDS} are accepted`;
  for (const [index, id] of value.entries()) {
    if (isUnknown(id)) continue;
    const problem = describeInvalidId(id);
    if (problem !== undefined) return `[${index}] ${problem}; \`npx pulumi-cloudflare-mtls list --zone <zone id>\` lists the ids`;
  }
  return undefined;
}

function describeInvalidValidity(value: unknown): string | undefined {
  if (value === undefined) return `is required: the number of days the certificate is valid, 1 to ${MAX_VALIDITY_DAYS}`;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return `must be a whole number of days, got ${describeValue(value)}`;
  }
  if (value < 1 || value > MAX_VALIDITY_DAYS) {
    return `must be between 1 and ${MAX_VALIDITY_DAYS} days (15 years), got ${value}`;
  }
  return undefined;
}

function describeInvalidRenewal(value: unknown, validityDays: unknown): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    return `must be a whole number of days of at least 1, got ${describeValue(value)}; leave it unset to never renew automatically`;
  }
  if (typeof validityDays === "number" && value >= validityDays) {
    return `(${value}) must be less than validityDays (${validityDays}), or every deployment would replace the certificate`;
  }
  return undefined;
}

/**
 * Shows a wrong value in a message: NaN and Infinity as themselves (JSON would say null), a BigInt
 * with its type (JSON.stringify throws on it), anything long cut short.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "bigint") return `the BigInt ${value}n (use a plain number)`;
  if (typeof value === "function" || typeof value === "symbol") return `a ${typeof value}`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A value that refers to itself: text stays undefined, and the value is shown by its type.
  }
  if (text === undefined) return typeof value;
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
