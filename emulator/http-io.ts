import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiErrors } from "./errors";

/** Cloudflare rejects large bodies too; a CSR is a few kilobytes. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export function readBody(request: IncomingMessage, limitBytes = BODY_LIMIT_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.removeAllListeners("data");
        request.resume();
        reject(apiErrors.bodyTooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Writes a JSON answer with the headers every Cloudflare API response carries. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (response.destroyed || response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cf-ray": `${randomBytes(8).toString("hex")}-EMU`,
    ...headers,
  });
  response.end(text);
}

/** Drops the connection without an answer; the client sees ECONNRESET. */
export function resetConnection(response: ServerResponse): void {
  const socket = response.socket;
  if (socket === null) return;
  socket.resetAndDestroy();
}
