import { CERTIFICATE_STATUSES, type ApiClientCertificate, type ApiResultInfo } from "./api-types";
import { clientCertificateFields, type CertificateField } from "./client-certificate-fields";
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

const MAX_STRING_CHARS = { pem: MAX_PEM_FIELD_CHARS, short: MAX_SHORT_FIELD_CHARS, subject: MAX_SUBJECT_FIELD_CHARS };

function fail(where: string, field: string, expected: string, got: unknown): never {
  throw new ContractViolationError(`${where}: Cloudflare broke its API contract: expected ${field} to be ${expected}, got ${show(got)}`);
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  try {
    // What reaches here came from JSON.parse, so it has a JSON text.
    return JSON.stringify(value).slice(0, 40);
  } catch {
    // JSON.stringify recurses: an array or object nested a million deep (JSON.parse reads it) overflows the stack.
    return `${Array.isArray(value) ? "an array" : "an object"} nested too deeply to show`;
  }
}

function checkLength(where: string, field: string, value: string, max: number): void {
  if (value.length > max) {
    throw new ContractViolationError(
      `${where}: Cloudflare broke its API contract: expected ${field} to be at most ${max} characters long, got ${value.length} characters`,
    );
  }
}

/**
 * Checks that a response holds a client certificate, field by field as {@link clientCertificateFields}
 * describes them: required fields must be there, the others must have the right type when present and
 * are left out when absent or null, never invented. Every string is bounded in length. Returns a new
 * object holding only the known fields, so that whatever else an answer carries is not kept.
 */
export function parseApiCertificate(value: unknown, where: string): ApiClientCertificate {
  if (typeof value !== "object" || value === null) fail(where, "the result", "a client certificate object", value);
  const record = value as Record<string, unknown>;
  const id = parseField(where, "id", { type: "short", required: true }, record["id"]);
  // The id goes into request paths later (refresh, revoke): only a Cloudflare identifier may.
  if (!isCloudflareId(id)) fail(where, "id", "a Cloudflare identifier (32 lowercase hex characters)", id);
  const parsed: Record<string, unknown> = { id };
  for (const field of Object.values(clientCertificateFields as Record<string, CertificateField>)) {
    const given = record[field.api];
    // null is how JSON says "not there": an optional field that is null is left out like a missing one.
    if (!field.required && (given === undefined || given === null)) continue;
    parsed[field.api] = parseField(where, field.api, field, given);
  }
  // Each field was checked against the row of the table that ApiClientCertificate is derived from.
  return parsed as unknown as ApiClientCertificate;
}

function parseField(where: string, name: string, field: Pick<CertificateField, "type" | "required">, value: unknown): unknown {
  switch (field.type) {
    case "pem":
    case "short":
    case "subject":
      if (typeof value !== "string" || (field.required && value === ""))
        fail(where, name, field.required ? "a non-empty string" : "a string", value);
      checkLength(where, name, value, MAX_STRING_CHARS[field.type]);
      return value;
    case "integer":
      if (!Number.isInteger(value)) fail(where, name, "an integer", value);
      return value;
    case "status":
      if (!CERTIFICATE_STATUSES.includes(value as never)) fail(where, name, `one of ${CERTIFICATE_STATUSES.join(", ")}`, value);
      return value;
    case "authority": {
      const authority = value as Record<string, unknown>;
      // null never gets here (an optional field that is null is left out); any other non-object has no string id.
      if (typeof authority["id"] !== "string" || typeof authority["name"] !== "string") {
        fail(where, name, "an object with id and name", authority);
      }
      checkLength(where, `${name}.id`, authority["id"], MAX_SHORT_FIELD_CHARS);
      checkLength(where, `${name}.name`, authority["name"], MAX_SHORT_FIELD_CHARS);
      return { id: authority["id"], name: authority["name"] };
    }
  }
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
