import { CERTIFICATE_STATUSES, type ApiClientCertificate, type ApiResultInfo } from "./api-types";
import { ContractViolationError } from "./errors";
import { isCloudflareId } from "./identifiers";

function fail(where: string, field: string, expected: string, got: unknown): never {
  const shown = got === undefined ? "nothing" : JSON.stringify(got)?.slice(0, 40);
  throw new ContractViolationError(`${where}: Cloudflare broke its API contract: expected ${field} to be ${expected}, got ${shown}`);
}

/**
 * Checks that a response holds a client certificate: the fields the provider cannot work
 * without are required (id, certificate, csr, status, validity_days), the others must have
 * the right type when present and are left out of outputs when absent, never invented.
 */
export function parseApiCertificate(value: unknown, where: string): ApiClientCertificate {
  if (typeof value !== "object" || value === null) fail(where, "the result", "a client certificate object", value);
  const record = value as Record<string, unknown>;
  const requireString = (field: string): void => {
    if (typeof record[field] !== "string" || record[field] === "") fail(where, field, "a non-empty string", record[field]);
  };
  for (const field of ["id", "certificate", "csr"]) requireString(field);
  // The id goes into request paths later (refresh, revoke): only a Cloudflare identifier may.
  if (!isCloudflareId(record["id"])) fail(where, "id", "a Cloudflare identifier (32 lowercase hex characters)", record["id"]);
  if (!CERTIFICATE_STATUSES.includes(record["status"] as never)) {
    fail(where, "status", `one of ${CERTIFICATE_STATUSES.join(", ")}`, record["status"]);
  }
  if (!Number.isInteger(record["validity_days"])) fail(where, "validity_days", "an integer", record["validity_days"]);
  const authority = record["certificate_authority"] as Record<string, unknown> | undefined | null;
  if (authority !== undefined && authority !== null && (typeof authority !== "object" || typeof authority["id"] !== "string" || typeof authority["name"] !== "string")) {
    fail(where, "certificate_authority", "an object with id and name", authority);
  }
  const optionalStrings = ["issued_on", "expires_on", "fingerprint_sha256", "serial_number", "signature", "ski"];
  for (const field of [...optionalStrings, "common_name", "country", "state", "location", "organization", "organizational_unit"]) {
    if (record[field] !== undefined && record[field] !== null && typeof record[field] !== "string") fail(where, field, "a string", record[field]);
  }
  return value as ApiClientCertificate;
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
