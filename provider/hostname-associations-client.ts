import type { CloudflareClientOptions } from "./cloudflare-client";
import { ContractViolationError, describeOperation, type OperationContext } from "./errors";
import { transportFor, type HttpTransport } from "./http-transport";
import { describeInvalidMtlsCertificateId } from "./hostnames";
import { describeInvalidId } from "./identifiers";

/**
 * The most hostnames accepted in an answer. Far above any real list; a longer one is a broken or
 * hostile answer, refused before any work is done per entry.
 */
export const MAX_ANSWER_HOSTNAMES = 10_000;

/** The longest entry accepted in an answer (a hostname has at most 253 characters). */
const MAX_ANSWER_HOSTNAME_LENGTH = 1024;

/**
 * A typed client for `/zones/{zone_id}/certificate_authorities/hostname_associations`: the hostnames
 * that request a client certificate from the zone's managed CA, or from a BYO CA (`mtlsCertificateId`).
 * The same transport, credentials, retries and errors as {@link CloudflareClient}.
 *
 * @example
 * ```ts
 * const client = new HostnameAssociationsClient(); // reads CLOUDFLARE_API_TOKEN
 * const hostnames = await client.getHostnames(zoneId);
 * ```
 */
export class HostnameAssociationsClient {
  private readonly transport: HttpTransport;

  constructor(options: CloudflareClientOptions = {}) {
    this.transport = transportFor(options);
  }

  /** The hostnames associated with the CA, as Cloudflare stores them. */
  async getHostnames(zoneId: string, mtlsCertificateId?: string): Promise<string[]> {
    const context = contextFor("reading the hostnames associated with", zoneId, mtlsCertificateId);
    const { result } = await this.transport.send<unknown>({
      method: "GET",
      path: associationsPath(context),
      ...(mtlsCertificateId === undefined ? {} : { query: { mtls_certificate_id: mtlsCertificateId } }),
      context,
      retryMode: "idempotent",
    });
    return parseHostnameList(result, describeOperation(context));
  }

  /** Replaces the CA's whole list with `hostnames` (`[]` removes every association) and returns Cloudflare's answer. */
  async replaceHostnames(zoneId: string, hostnames: readonly string[], mtlsCertificateId?: string): Promise<string[]> {
    const context = contextFor("replacing the hostnames associated with", zoneId, mtlsCertificateId);
    const body = mtlsCertificateId === undefined ? { hostnames } : { hostnames, mtls_certificate_id: mtlsCertificateId };
    // Idempotent: the body is the whole list, so repeating it after a lost answer writes the same thing.
    const { result } = await this.transport.send<unknown>({
      method: "PUT",
      path: associationsPath(context),
      body,
      context,
      retryMode: "idempotent",
    });
    return parseHostnameList(result, describeOperation(context));
  }
}

/** Describes the CA in messages: "… the managed CA in zone 023e…" or "… mTLS certificate 7a1b… in zone 023e…". */
function contextFor(action: string, zoneId: string, mtlsCertificateId: string | undefined): OperationContext {
  return mtlsCertificateId === undefined
    ? { action: `${action} the managed CA`, zoneId }
    : { action: `${action} mTLS certificate`, zoneId, certificateId: mtlsCertificateId };
}

/** The path; the zone id and CA id are checked first, so nothing path- or query-hostile is ever sent. */
function associationsPath(context: OperationContext): string {
  const zoneProblem = describeInvalidId(context.zoneId);
  if (zoneProblem !== undefined) throw new TypeError(`${context.action}: the zone id ${zoneProblem}; nothing was sent to Cloudflare`);
  if (context.certificateId !== undefined) {
    const caProblem = describeInvalidMtlsCertificateId(context.certificateId);
    if (caProblem !== undefined)
      throw new TypeError(`${context.action}: the mTLS certificate id ${caProblem}; nothing was sent to Cloudflare`);
  }
  return `zones/${context.zoneId}/certificate_authorities/hostname_associations`;
}

/**
 * Checks an answer `{ hostnames: string[] }`. The SDK types `hostnames` as optional, so an absent or
 * null list, or a null result, reads as empty (a write that it hides is caught by the read-back). Entries are kept as Cloudflare wrote them (another tool's entries are
 * written back unchanged); the list is bounded so a hostile answer cannot make the provider work
 * per entry without limit.
 */
export function parseHostnameList(result: unknown, where: string): string[] {
  const broken = (expected: string, got: string): never => {
    throw new ContractViolationError(`${where}: Cloudflare broke its API contract: expected ${expected}, got ${got}`);
  };
  if (result === null) return [];
  if (typeof result !== "object" || Array.isArray(result)) {
    return broken("the result to be an object { hostnames }", Array.isArray(result) ? "an array" : typeof result);
  }
  const hostnames = (result as Record<string, unknown>)["hostnames"];
  if (hostnames === undefined || hostnames === null) return [];
  if (!Array.isArray(hostnames)) return broken("hostnames to be an array of strings", typeof hostnames);
  if (hostnames.length > MAX_ANSWER_HOSTNAMES) return broken(`at most ${MAX_ANSWER_HOSTNAMES} hostnames`, `${hostnames.length}`);
  for (const [index, hostname] of hostnames.entries()) {
    if (typeof hostname !== "string" || hostname === "" || hostname.length > MAX_ANSWER_HOSTNAME_LENGTH) {
      broken(
        `hostnames[${index}] to be a hostname`,
        typeof hostname === "string" ? `a string of ${hostname.length} characters` : hostname === null ? "null" : typeof hostname,
      );
    }
  }
  return hostnames as string[];
}
