import { CERTIFICATE_STATUSES, type ApiClientCertificate, type ApiResultInfo } from "./api-types";
import { MAX_CSR_TEXT_CHARS } from "./csr";
import { ContractViolationError } from "./errors";
import { isCloudflareId } from "./identifiers";

/**
 * Longest `csr` or `certificate` accepted from the API: the longest CSR text this package parses.
 * Real values are 1 to 3 KB. Every string from the network is bounded before any regex or
 * parser sees it, so a hostile or broken answer cannot cost more than a linear pass over it.
 */
export const MAX_PEM_FIELD_CHARS = MAX_CSR_TEXT_CHARS;

/**
 * Longest subject field (`common_name`, `organization`, ...): they are copied from the CSR, so
 * they are never longer than the 65,536 characters a `csr` input may have.
 */
export const MAX_SUBJECT_FIELD_CHARS = 65_536;

/** Longest other string (id, dates, digests, serial number, signature, CA id and name): real ones are under 100 characters. */
export const MAX_SHORT_FIELD_CHARS = 4_096;

const REQUIRED_STRINGS = { id: MAX_SHORT_FIELD_CHARS, certificate: MAX_PEM_FIELD_CHARS, csr: MAX_PEM_FIELD_CHARS };
const OPTIONAL_STRINGS = {
  issued_on: MAX_SHORT_FIELD_CHARS,
  expires_on: MAX_SHORT_FIELD_CHARS,
  fingerprint_sha256: MAX_SHORT_FIELD_CHARS,
  serial_number: MAX_SHORT_FIELD_CHARS,
  signature: MAX_SHORT_FIELD_CHARS,
  ski: MAX_SHORT_FIELD_CHARS,
  common_name: MAX_SUBJECT_FIELD_CHARS,
  country: MAX_SUBJECT_FIELD_CHARS,
  state: MAX_SUBJECT_FIELD_CHARS,
  location: MAX_SUBJECT_FIELD_CHARS,
  organization: MAX_SUBJECT_FIELD_CHARS,
  organizational_unit: MAX_SUBJECT_FIELD_CHARS,
};

function fail(where: string, field: string, expected: string, got: unknown): never {
  throw new ContractViolationError(`${where}: Cloudflare broke its API contract: expected ${field} to be ${expected}, got ${show(got)}`);
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  try {
    return JSON.stringify(value)?.slice(0, 40) ?? String(value);
  } catch {
    // JSON.stringify recurses: an array or object nested a million deep (JSON.parse reads it) overflows the stack.
    return `${Array.isArray(value) ? "an array" : "an object"} nested too deeply to show`;
  }
}

function checkLength(where: string, field: string, value: string, max: number): void {
  if (value.length > max) {
    throw new ContractViolationError(`${where}: Cloudflare broke its API contract: expected ${field} to be at most ${max} characters long, got ${value.length} characters`);
  }
}

/**
 * Checks that a response holds a client certificate: the fields the provider cannot work
 * without are required (id, certificate, csr, status, validity_days), the others must have
 * the right type when present and are left out of outputs when absent, never invented.
 * Every string is bounded in length. Returns a copy holding only the known fields, so that
 * whatever else an answer carries is not kept.
 */
export function parseApiCertificate(value: unknown, where: string): ApiClientCertificate {
  if (typeof value !== "object" || value === null) fail(where, "the result", "a client certificate object", value);
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [field, max] of Object.entries(REQUIRED_STRINGS)) {
    const text = record[field];
    if (typeof text !== "string" || text === "") fail(where, field, "a non-empty string", text);
    checkLength(where, field, text, max);
    copy[field] = text;
  }
  // The id goes into request paths later (refresh, revoke): only a Cloudflare identifier may.
  if (!isCloudflareId(record["id"])) fail(where, "id", "a Cloudflare identifier (32 lowercase hex characters)", record["id"]);
  if (!CERTIFICATE_STATUSES.includes(record["status"] as never)) {
    fail(where, "status", `one of ${CERTIFICATE_STATUSES.join(", ")}`, record["status"]);
  }
  copy["status"] = record["status"];
  if (!Number.isInteger(record["validity_days"])) fail(where, "validity_days", "an integer", record["validity_days"]);
  copy["validity_days"] = record["validity_days"];
  const authority = record["certificate_authority"] as Record<string, unknown> | undefined | null;
  if (authority !== undefined && authority !== null) {
    if (typeof authority !== "object" || typeof authority["id"] !== "string" || typeof authority["name"] !== "string") {
      fail(where, "certificate_authority", "an object with id and name", authority);
    }
    checkLength(where, "certificate_authority.id", authority["id"], MAX_SHORT_FIELD_CHARS);
    checkLength(where, "certificate_authority.name", authority["name"], MAX_SHORT_FIELD_CHARS);
    copy["certificate_authority"] = { id: authority["id"], name: authority["name"] };
  } else if (authority === null) {
    copy["certificate_authority"] = null;
  }
  for (const [field, max] of Object.entries(OPTIONAL_STRINGS)) {
    const text = record[field];
    if (text === undefined) continue;
    if (text !== null) {
      if (typeof text !== "string") fail(where, field, "a string", text);
      checkLength(where, field, text, max);
    }
    copy[field] = text;
  }
  return copy as unknown as ApiClientCertificate;
}

/** Checks a list response's result array and pagination block. */
export function parseApiCertificateList(value: unknown, where: string): ApiClientCertificate[] {
  if (!Array.isArray(value)) fail(where, "the result", "an array of client certificates", value);
  return value.map((item) => parseApiCertificate(item, where));
}

/** Reads `result_info`, tolerating its absence (then pagination falls back to page sizes). */
export function parseResultInfo(value: unknown): ApiResultInfo | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const info = value as Record<string, unknown>;
  const numbers = ["page", "per_page", "count", "total_count"].every((field) => typeof info[field] === "number");
  return numbers ? (value as ApiResultInfo) : undefined;
}
