import { CloudflareClient } from "../../provider/cloudflare-client";
import { type ApiClientCertificate } from "../../provider/api-types";
import { startEmulator } from "../../emulator";

/**
 * Real certificates for `csr` (issued by a throwaway emulator), for scripted servers to replay:
 * `ids` are 32-hex Cloudflare ids and every field passes the provider's validation.
 */
export async function issueRealCertificates(
  zoneId: string,
  csr: string,
  count: number,
  validityDays = 90,
): Promise<ApiClientCertificate[]> {
  const emulator = await startEmulator({ rateLimit: false });
  try {
    const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
    const issued: ApiClientCertificate[] = [];
    for (let index = 0; index < count; index++) issued.push(await client.createClientCertificate(zoneId, { csr, validityDays }));
    return issued;
  } finally {
    await emulator.close();
  }
}

/** A one-page list envelope's `result_info`. */
export function onePage(count: number): Record<string, number> {
  return { page: 1, per_page: 50, count, total_count: count, total_pages: count === 0 ? 0 : 1 };
}
