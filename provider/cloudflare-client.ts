import type { ApiClientCertificate, ApiResultInfo, CertificateStatusFilter } from "./api-types";
import { parseApiCertificate, parseApiCertificateList, parseResultInfo } from "./api-validation";
import type { ConnectionSettings } from "./credentials";
import { ContractViolationError, describeOperation, type OperationContext } from "./errors";
import { transportFor, type HttpTransport, type TransportOptions } from "./http-transport";
import { describeInvalidId, isCloudflareId } from "./identifiers";
import { CertificateListing } from "./pagination";
import type { RetryBudget } from "./retry-policy";

/** Options of {@link CloudflareClient}. */
export interface CloudflareClientOptions extends TransportOptions {
  /**
   * Credentials and base URL. When omitted they are read from `CLOUDFLARE_API_TOKEN`
   * (or `CLOUDFLARE_API_KEY` + `CLOUDFLARE_EMAIL`) and `CLOUDFLARE_BASE_URL`.
   */
  connection?: ConnectionSettings;
}

/** One page of a list call. */
export interface ClientCertificatePage {
  certificates: ApiClientCertificate[];
  resultInfo: ApiResultInfo | undefined;
}

/** Page size used when listing every certificate of a zone. */
const LIST_PAGE_SIZE = 50;

/**
 * A typed client for Cloudflare's API Shield client-certificate endpoints
 * (list, get, create, reactivate, revoke), with retries, timeouts and typed errors.
 *
 * @example
 * ```ts
 * const client = new CloudflareClient(); // reads CLOUDFLARE_API_TOKEN
 * const certificate = await client.getClientCertificate(zoneId, certificateId);
 * ```
 */
export class CloudflareClient {
  private readonly transport: HttpTransport;

  constructor(options: CloudflareClientOptions = {}) {
    this.transport = transportFor(options);
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Lists one page of a zone's client certificates. */
  async listClientCertificatesPage(
    zoneId: string,
    options: { status?: CertificateStatusFilter; page?: number; perPage?: number } = {},
    budget: RetryBudget = this.transport.budgetForCall(),
  ): Promise<ClientCertificatePage> {
    const context: OperationContext = { action: "listing client certificates", zoneId };
    const query: Record<string, string | number> = {};
    if (options.status !== undefined) query["status"] = options.status;
    if (options.page !== undefined) query["page"] = options.page;
    if (options.perPage !== undefined) query["per_page"] = options.perPage;
    const { result, envelope } = await this.transport.send<unknown>(
      { method: "GET", path: zonePath(context), query, context, retryMode: "idempotent" },
      budget,
    );
    return { certificates: parseApiCertificateList(result, describeOperation(context)), resultInfo: parseResultInfo(envelope.result_info) };
  }

  /**
   * Lists every client certificate of a zone, each once, following pages until one is empty,
   * repeats itself or `result_info` shows the end (no trailing empty-page request). A listing
   * that does not end within 1,000 pages (`MAX_LIST_PAGES`) fails with a {@link CloudflareApiError}.
   */
  async listClientCertificates(zoneId: string, options: { status?: CertificateStatusFilter } = {}): Promise<ApiClientCertificate[]> {
    const listing = new CertificateListing(LIST_PAGE_SIZE, describeOperation({ action: "listing client certificates", zoneId }));
    const budget = this.transport.budgetForCall();
    for (let page = 1; ; page++) {
      const { certificates, resultInfo } = await this.listClientCertificatesPage(
        zoneId,
        { ...options, page, perPage: LIST_PAGE_SIZE },
        budget,
      );
      if (listing.add(page, certificates, resultInfo) === "done") return listing.certificates;
    }
  }

  /** Reads one certificate. Throws {@link NotFoundError} when it does not exist. */
  async getClientCertificate(zoneId: string, certificateId: string): Promise<ApiClientCertificate> {
    return this.certificateRequest("GET", zoneId, certificateId, "reading client certificate");
  }

  /**
   * Sends exactly one create request (retried only when Cloudflare provably did not act,
   * such as a 429). An ambiguous failure raises {@link UncertainOutcomeError}: the
   * certificate may exist; see `issueClientCertificate` for the recovery. A success answer that
   * breaks the API contract raises {@link ContractViolationError} carrying the certificate id when
   * the answer holds a valid one: a certificate was issued and must not be forgotten.
   */
  async createClientCertificate(zoneId: string, request: { csr: string; validityDays: number }): Promise<ApiClientCertificate> {
    const context: OperationContext = { action: "creating client certificate", zoneId };
    const { result } = await this.transport.send<unknown>({
      method: "POST",
      path: zonePath(context),
      body: { csr: request.csr, validity_days: request.validityDays },
      context,
      retryMode: "unsent-only",
    });
    try {
      return parseApiCertificate(result, describeOperation(context));
    } catch (error) {
      if (!(error instanceof ContractViolationError)) throw error;
      const id = (result as { id?: unknown } | null | undefined)?.id;
      throw new ContractViolationError(error.message, { certificateId: isCloudflareId(id) ? id : undefined, cause: error });
    }
  }

  /** Reactivates a certificate that is `pending_revocation`. */
  async reactivateClientCertificate(zoneId: string, certificateId: string): Promise<ApiClientCertificate> {
    return this.certificateRequest("PATCH", zoneId, certificateId, "reactivating client certificate", { reactivate: true });
  }

  /**
   * Revokes a certificate: it becomes `pending_revocation`, later `revoked`. Returns the
   * certificate, or `undefined` if Cloudflare confirms without including it.
   */
  async revokeClientCertificate(zoneId: string, certificateId: string): Promise<ApiClientCertificate | undefined> {
    const context: OperationContext = { action: "revoking client certificate", zoneId, certificateId };
    const { result } = await this.transport.send<unknown>({
      method: "DELETE",
      path: certificatePath(context),
      context,
      retryMode: "idempotent",
    });
    // The envelope reads an answer without `result` as null too.
    return result === null ? undefined : parseCertificateAnswer(result, context);
  }

  private async certificateRequest(
    method: "GET" | "PATCH",
    zoneId: string,
    certificateId: string,
    action: string,
    body?: unknown,
  ): Promise<ApiClientCertificate> {
    const context: OperationContext = { action, zoneId, certificateId };
    const { result } = await this.transport.send<unknown>({
      method,
      path: certificatePath(context),
      ...(body === undefined ? {} : { body }),
      context,
      retryMode: "idempotent",
    });
    return parseCertificateAnswer(result, context);
  }
}

/** Parses the answer about one certificate, which must be the certificate asked about. */
function parseCertificateAnswer(result: unknown, context: OperationContext): ApiClientCertificate {
  const where = describeOperation(context);
  const certificate = parseApiCertificate(result, where);
  if (certificate.id !== context.certificateId) {
    throw new ContractViolationError(`${where}: Cloudflare broke its API contract: it answered with certificate ${certificate.id}`);
  }
  return certificate;
}

/**
 * The path of a zone's certificates. Ids are checked before they go into a path: `..` or `.`
 * survive URL encoding and normalisation would turn `client_certificates/..` into the zone itself,
 * so a DELETE would reach Cloudflare's delete-zone route.
 */
function zonePath(context: OperationContext): string {
  requireId(context, "zone id", context.zoneId);
  return `zones/${context.zoneId}/client_certificates`;
}

function certificatePath(context: OperationContext): string {
  requireId(context, "certificate id", context.certificateId);
  return `${zonePath(context)}/${context.certificateId}`;
}

function requireId(context: OperationContext, what: string, value: unknown): void {
  const problem = describeInvalidId(value);
  if (problem !== undefined) {
    throw new TypeError(`${context.action}: the ${what} ${problem}; nothing was sent to Cloudflare`);
  }
}
