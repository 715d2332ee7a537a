import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "./unknown";

/**
 * The subject of a generated CSR: the fields Cloudflare reads from a CSR and shows on the client
 * certificate (`common_name`, `organization`, `organizational_unit`, `country`, `state`, `location`).
 *
 * @example
 * ```ts
 * const subject: CertificateSubject = {
 *   commonName: "api-client.example.com",
 *   organization: "Example",
 *   country: "US",
 * };
 * ```
 */
export interface CertificateSubject {
  /**
   * Identifies the client; Cloudflare reports it as `common_name`.
   * At most 64 characters (X.520 `ub-common-name`).
   */
  readonly commonName: string;
  /** At most 64 characters (X.520 `ub-organization-name`). */
  readonly organization?: string;
  /** At most 64 characters (X.520 `ub-organizational-unit-name`). */
  readonly organizationalUnit?: string;
  /** An ISO 3166-1 alpha-2 code in upper case, such as `"US"` or `"DE"`. */
  readonly country?: string;
  /** State or province. At most 128 characters (X.520 `ub-state-name`). */
  readonly state?: string;
  /** City or locality; Cloudflare reports it as `location`. At most 128 characters (X.520 `ub-locality-name`). */
  readonly locality?: string;
}

type SubjectField = keyof CertificateSubject;

// In distinguished-name order, most significant first, as openssl writes and prints them.
// Upper bounds from RFC 5280 Appendix A; the country is a PrintableString of exactly two letters.
const subjectFields: readonly { key: SubjectField; oid: string; maxLength: number }[] = [
  { key: "country", oid: "2.5.4.6", maxLength: 2 },
  { key: "state", oid: "2.5.4.8", maxLength: 128 },
  { key: "locality", oid: "2.5.4.7", maxLength: 128 },
  { key: "organization", oid: "2.5.4.10", maxLength: 64 },
  { key: "organizationalUnit", oid: "2.5.4.11", maxLength: 64 },
  { key: "commonName", oid: "2.5.4.3", maxLength: 64 },
];

/**
 * Checks a subject as the engine passes it to `check`: any shape, possibly holding unknown preview values,
 * which pass. Returns one failure per problem, each naming the property (`subject.country`) and the fix.
 */
export function validateSubject(value: unknown): pulumi.dynamic.CheckFailure[] {
  const property = "subject";
  if (isUnknown(value)) {
    return [];
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [
      {
        property,
        reason: `${property} must be an object with at least a commonName, such as { commonName: "api-client.example.com" }`,
      },
    ];
  }
  const fieldNames = subjectFields.map((field) => field.key).join(", ");
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const key of Object.keys(value)) {
    if (!subjectFields.some((field) => field.key === key)) {
      failures.push({
        property: `${property}.${key}`,
        reason: `${property}.${key} is not a subject field this package writes; use only ${fieldNames} (the fields Cloudflare reads from a CSR)`,
      });
    }
  }
  const fields = value as Record<string, unknown>;
  for (const { key, maxLength } of subjectFields) {
    const reason = fieldProblem(key, fields[key], maxLength);
    if (reason !== undefined) {
      failures.push({ property: `${property}.${key}`, reason: `${property}.${key} ${reason}` });
    }
  }
  return failures;
}

function fieldProblem(key: SubjectField, value: unknown, maxLength: number): string | undefined {
  if (isUnknown(value)) {
    return undefined;
  }
  if (value === undefined) {
    return key === "commonName" ? 'is required: set it to a name that identifies this client, such as "api-client.example.com"' : undefined;
  }
  // null is refused, not read as "left out": it would reach the CSR as an empty attribute (`O=`).
  if (typeof value !== "string") {
    return `must be a string, not ${value === null ? "null" : typeof value}`;
  }
  if (value.trim() === "") {
    return key === "commonName"
      ? 'must not be empty: set it to a name that identifies this client, such as "api-client.example.com"'
      : "must not be empty: leave the field out instead";
  }
  if (key === "country") {
    return /^[A-Z]{2}$/.test(value) ? undefined : 'must be a two-letter ISO 3166-1 alpha-2 code in upper case, such as "US" or "DE"';
  }
  if (value.trim() !== value) {
    return "must not start or end with whitespace: remove it, or the certificate carries a name that differs from the one you see";
  }
  const control = /\p{Cc}/u.exec(value);
  if (control !== null) {
    const codePoint = control[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0");
    return `contains the control character U+${codePoint}: remove it (line breaks and tabs are not allowed in a distinguished name)`;
  }
  const length = [...value].length;
  if (length > maxLength) {
    return `is ${length} characters long; X.520 allows at most ${maxLength}: shorten it`;
  }
  return undefined;
}

/** Whether two subjects name the same distinguished name; an unknown subject equals none. */
export function sameSubject(a: CertificateSubject, b: CertificateSubject): boolean {
  if (typeof a !== "object" || typeof b !== "object") {
    return false;
  }
  return subjectFields.every(({ key }) => a[key] === b[key]);
}

/**
 * A name in the JSON form `@peculiar/x509`'s `Name` takes (its `JsonNameParams`), spelled out here so
 * that this package's type declarations do not import the library's: ts-node type-checks every
 * Pulumi program, and loading x509's declaration tree cost each `pulumi up` and preview about a second.
 */
export type X509NameJson = Array<Record<string, Array<{ printableString: string } | { utf8String: string }>>>;

/**
 * The subject as an `@peculiar/x509` name with explicit string types, so that no value goes through the
 * library's RFC 4514 unescaping (which would turn `a\b` into `ab`). The country is a PrintableString as
 * X.520 requires; every other field is a UTF8String, as RFC 5280 asks of new certificates and as openssl writes.
 */
export function subjectToX509Name(subject: CertificateSubject): X509NameJson {
  const name: X509NameJson = [];
  for (const { key, oid } of subjectFields) {
    const value = subject[key];
    if (value !== undefined) {
      name.push({ [oid]: [key === "country" ? { printableString: value } : { utf8String: value }] });
    }
  }
  return name;
}
