import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudflareClient, type CloudflareClientOptions } from "../../provider/cloudflare-client";
import { csrFixture } from "../fixtures/csr-fixtures";

/** A plain `node:http` server answering as the test decides, for answers the emulator never gives. */
export interface RawServer {
  /** `http://127.0.0.1:PORT/client/v4` */
  baseUrl: string;
  /** "GET /client/v4/zones/…?page=1&per_page=50", in arrival order. */
  requests: string[];
  /** A client of this server with a dummy token, whose retries do not sleep. */
  client: (options?: Omit<CloudflareClientOptions, "connection" | "sleep">) => CloudflareClient;
}

/**
 * Runs `body` against a server on a free local port that answers with `handler`, and always closes it
 * (dropping open connections, so a server still streaming does not keep the test waiting).
 */
export async function withRawServer<T>(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  body: (server: RawServer) => Promise<T>,
): Promise<T> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
  try {
    return await body({
      baseUrl,
      requests,
      client: (options = {}) =>
        new CloudflareClient({ ...options, connection: { credentials: { apiToken: "t" }, baseUrl }, sleep: async () => undefined }),
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A Cloudflare v4 success envelope. */
export function successEnvelope(result: unknown, resultInfo?: Record<string, unknown>): string {
  return JSON.stringify({
    success: true,
    errors: [],
    messages: [],
    result,
    ...(resultInfo === undefined ? {} : { result_info: resultInfo }),
  });
}

/** A valid API certificate whose id is `index` in 32 hex digits. */
export function apiCertificate(index: number): Record<string, unknown> {
  return {
    id: index.toString(16).padStart(32, "0"),
    certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    csr: csrFixture("ecdsa-p256"),
    status: "active",
    validity_days: 30,
  };
}

/** The `page` query parameter of a request URL, 1 when absent. */
export function pageOf(request: IncomingMessage): number {
  return Number(new URL(request.url ?? "/", "http://localhost").searchParams.get("page") ?? "1");
}
