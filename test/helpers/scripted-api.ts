import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the scripted API received it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query exactly as sent, e.g. `/client/v4/zones/<id>/client_certificates?page=1`. */
  readonly url: string;
  /** The parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
  readonly headers: IncomingMessage["headers"];
}

/** Answers one request: return an envelope to send as JSON with `status`, or handle `response` yourself. */
export type Script = (request: ReceivedRequest, response: ServerResponse, index: number) => void | Promise<void>;

/** A raw `node:http` server that misbehaves on purpose, scripted per request. */
export interface ScriptedApi {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  /** `METHOD /path?query` of every request so far. */
  lines(): string[];
}

/** Writes a Cloudflare envelope. */
export function sendEnvelope(response: ServerResponse, status: number, envelope: Record<string, unknown>): void {
  const text = JSON.stringify({ success: status < 300, errors: [], messages: [], result: null, ...envelope });
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Runs `body` against a scripted server on 127.0.0.1 and always closes it.
 *
 * @example
 * await withScriptedApi((request, response) => sendEnvelope(response, 200, { result: [] }), async (api) => { ... });
 */
export async function withScriptedApi<T>(script: Script, body: (api: ScriptedApi) => Promise<T>): Promise<T> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let parsed: unknown = text === "" ? undefined : text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        // keep the raw text
      }
      const received: ReceivedRequest = { method: request.method ?? "", url: request.url ?? "", body: parsed, headers: request.headers };
      requests.push(received);
      Promise.resolve(script(received, response, requests.length - 1)).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await body({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`,
      requests,
      lines: () => requests.map((request) => `${request.method} ${request.url}`),
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The zone listing every create sends first, to find certificates an interrupted update issued. */
export function preCheckLine(zoneId: string): string {
  return `GET /client/v4/zones/${zoneId}/client_certificates?status=active&page=1&per_page=50`;
}

/**
 * Answers the first listing of active certificates (a create's pre-check) with an empty zone and
 * passes every other request to `script`, with `index` counting only those.
 */
export function afterEmptyZoneListing(script: Script): Script {
  let listed = false;
  return (request, response, index) => {
    if (!listed && request.method === "GET" && request.url.endsWith("?status=active&page=1&per_page=50")) {
      listed = true;
      return sendEnvelope(response, 200, { result: [], result_info: { page: 1, per_page: 50, count: 0, total_count: 0, total_pages: 0 } });
    }
    return script(request, response, listed ? index - 1 : index);
  };
}
