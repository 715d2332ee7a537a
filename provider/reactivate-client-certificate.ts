import type { ApiClientCertificate } from "./api-types";
import type { CloudflareClient } from "./cloudflare-client";
import { AuthenticationError, CloudflareApiError, RateLimitedError } from "./errors";

/**
 * Reactivates a certificate pending revocation (PATCH `reactivate`). When Cloudflare refuses because
 * the certificate is already active or reactivating (a retried PATCH whose first answer was lost, or
 * a reactivation in the dashboard), the certificate is returned as it is. One that finished revoking
 * fails with `ifRevoked` as the advice.
 */
export async function reactivateOrAccept(
  client: CloudflareClient,
  zoneId: string,
  id: string,
  ifRevoked: string,
): Promise<ApiClientCertificate> {
  try {
    return await client.reactivateClientCertificate(zoneId, id);
  } catch (error) {
    if (!(error instanceof CloudflareApiError) || error instanceof AuthenticationError || error instanceof RateLimitedError) throw error;
    const current = await client.getClientCertificate(zoneId, id).catch(() => undefined);
    if (current?.status === "active" || current?.status === "pending_reactivation") return current;
    if (current?.status === "revoked") {
      throw new CloudflareApiError(
        `reactivating client certificate ${id} in zone ${zoneId}: it finished revoking before it could be reactivated; ${ifRevoked}`,
        { cause: error },
      );
    }
    throw error;
  }
}
