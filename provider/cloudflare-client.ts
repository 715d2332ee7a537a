import type { ApiClientCertificate, ApiResultInfo, CertificateStatusFilter } from "./api-types";
import { parseApiCertificate, parseApiCertificateList, parseResultInfo } from "./api-validation";
import { resolveConnectionSettings, settingsFromEnvironment, type ConnectionSettings } from "./credentials";
import { describeOperation, type OperationContext } from "./errors";
import { HttpTransport, type TransportOptions } from "./http-transport";
import { CertificateListing } from "./pagination";

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
    const connection = options.connection ?? resolveConnectionSettings([{ origin: "the environment", settings: settingsFromEnvironment() }]);
    this.transport = new HttpTransport(connection, options);
  }

  /** The API base URL this client talks to. */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Lists one page of a zone's client certificates. */
  async listClientCertificatesPage(
    zoneId: string,
    options: { status?: CertificateStatusFilter; page?: number; perPage?: number } = {},
  ): Promise<ClientCertificatePage> {
    const context: OperationContext = { action: "listing client certificates", zoneId };
    const query: Record<string, string | number> = {};
    if (options.status !== undefined) query["status"] = options.status;
    if (options.page !== undefined) query["page"] = options.page;
    if (options.perPage !== undefined) query["per_page"] = options.perPage;
    const { result, envelope } = await this.transport.send<unknown>({
      method: "GET",
      path: zonePath(zoneId),
      query,
      context,
      retryMode: "idempotent",
    });
    return { certificates: parseApiCertificateList(result, describeOperation(context)), resultInfo: parseResultInfo(envelope.result_info) };
  }

  /**
   * Lists every client certificate of a zone, each once, following pages until one is empty,
   * repeats itself or `result_info` shows the end (no trailing empty-page request). A listing
   * that does not end within 1,000 pages (`MAX_LIST_PAGES`) fails with a {@link CloudflareApiError}.
   */
  async listClientCertificates(zoneId: string, options: { status?: CertificateStatusFilter } = {}): Promise<ApiClientCertificate[]> {
    const listing = new CertificateListing(LIST_PAGE_SIZE, describeOperation({ action: "listing client certificates", zoneId }));
    for (let page = 1; ; page++) {
      const { certificates, resultInfo } = await this.listClientCertificatesPage(zoneId, { ...options, page, perPage: LIST_PAGE_SIZE });
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
   * certificate may exist; see `issueClientCertificate` for the recovery.
   */
  async createClientCertificate(zoneId: string, request: { csr: string; validityDays: number }): Promise<ApiClientCertificate> {
    const context: OperationContext = { action: "creating client certificate", zoneId };
    const { result } = await this.transport.send<unknown>({
      method: "POST",
      path: zonePath(zoneId),
      body: { csr: request.csr, validity_days: request.validityDays },
      context,
      retryMode: "unsent-only",
    });
    return parseApiCertificate(result, describeOperation(context));
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
      path: certificatePath(zoneId, certificateId),
      context,
      retryMode: "idempotent",
    });
    return result === null || result === undefined ? undefined : parseApiCertificate(result, describeOperation(context));
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
      path: certificatePath(zoneId, certificateId),
      ...(body === undefined ? {} : { body }),
      context,
      retryMode: "idempotent",
    });
    return parseApiCertificate(result, describeOperation(context));
  }
}

function zonePath(zoneId: string): string {
  return `zones/${encodeURIComponent(zoneId)}/client_certificates`;
}

function certificatePath(zoneId: string, certificateId: string): string {
  return `${zonePath(zoneId)}/${encodeURIComponent(certificateId)}`;
}
