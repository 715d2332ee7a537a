import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { CloudflareApiError, UncertainOutcomeError } from "./errors";

/**
 * Largest response body read, counted after decompression: 16 MiB. The largest real answer is a
 * page of 50 certificates: 100 KB (P-256 CSRs) to 160 KB (RSA 2048) on the emulator, about 250 KB
 * for RSA 4096. 50 certificates made from CSRs at the 65,536-character input limit, echoed with
 * their subject fields, would take about 10 MB. Past it the request fails rather than buffer a
 * body of any size, or a small gzip that inflates to gigabytes.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** A response whose body was read up to a size limit. */
export interface BoundedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text, or how it was found past the limit (then it was not read to its end). */
  body: { text: string } | { tooLarge: string };
}

/**
 * Reads the response of a got request stream (`got.stream(...)`, which decompresses and emits
 * `response` before the body), keeping at most `limit` decoded bytes. A body declared or found to
 * be larger is not read further: the stream is destroyed, which closes the connection. Rejects with
 * the stream's error when no complete response arrives.
 */
export function receiveBounded(stream: Readable, limit: number): Promise<BoundedResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    stream.on("error", (error: unknown) => {
      settled = true;
      reject(error);
    });
    stream.once("response", ({ statusCode: status, headers }: { statusCode: number; headers: IncomingHttpHeaders }) => {
      const stop = (tooLarge: string): void => {
        settled = true;
        stream.destroy();
        resolve({ status, headers, body: { tooLarge } });
      };
      const declared = declaredLength(headers);
      if (declared !== undefined && declared > limit) {
        stop(`content-length ${declared}`);
        return;
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on("data", (chunk: Buffer) => {
        if (settled) return;
        bytes += chunk.length;
        if (bytes > limit) stop("counted after decompression");
        else chunks.push(chunk);
      });
      stream.once("end", () => {
        if (settled) return;
        settled = true;
        // TextDecoder, as got's own text bodies: it drops a leading byte order mark, which Buffer#toString keeps.
        resolve({ status, headers, body: { text: new TextDecoder().decode(Buffer.concat(chunks, bytes)) } });
      });
    });
  });
}

/** The body size a response declares, when it is the size of the decoded body (no content-encoding). */
function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const encoding = (headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const length = Number(headers["content-length"]);
  return encoding === "identity" && Number.isSafeInteger(length) ? length : undefined;
}

/**
 * The error for an answer past {@link MAX_RESPONSE_BYTES}: no Cloudflare answer is that large, so it
 * is never retried. When the request was a certificate POST (`uncertain`), Cloudflare may have acted
 * on it, so the error is an {@link UncertainOutcomeError} and the caller looks for the certificate.
 */
export function responseTooLargeError(operation: string, status: number, tooLarge: string, uncertain: boolean): CloudflareApiError {
  const message = `${operation}: Cloudflare's answer (HTTP ${status}) is larger than ${MAX_RESPONSE_BYTES} bytes (MAX_RESPONSE_BYTES; ${tooLarge}), far more than any real answer, and was not read further`;
  if (uncertain) return new UncertainOutcomeError(`${message}, so whether Cloudflare acted on the request is unknown`, { status });
  return new CloudflareApiError(
    `${message} nor retried: check that CLOUDFLARE_BASE_URL (or cloudflare:baseUrl) points at the Cloudflare API`,
    { status },
  );
}
