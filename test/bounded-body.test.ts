import type { ServerResponse } from "node:http";
import { PassThrough, Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { createGzip, gzipSync } from "node:zlib";
import { CloudflareApiError, UncertainOutcomeError } from "../provider/errors";
import { issueClientCertificate } from "../provider/issue-client-certificate";
import { MAX_RESPONSE_BYTES, receiveBounded, responseTooLargeError } from "../provider/bounded-body";
import { csrFixture } from "./fixtures/csr-fixtures";
import { apiCertificate, successEnvelope, withRawServer } from "./helpers/raw-server";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const certificateId = "0".repeat(32);
const MiB = 1024 * 1024;
const tooLarge = (detail: string) =>
  new RegExp(
    `^reading client certificate ${certificateId} in zone ${zoneId}: Cloudflare's answer \\(HTTP 200\\) is larger than ${MAX_RESPONSE_BYTES} bytes \\(MAX_RESPONSE_BYTES; ${detail}\\), far more than any real answer, and was not read further nor retried: check that CLOUDFLARE_BASE_URL`,
  );

/** 300 MB of zeros gzipped (about 300 KB), made chunk by chunk so the test never holds the 300 MB. */
let gzipBomb: Buffer;
beforeAll(async () => {
  const zeros = Buffer.alloc(MiB);
  gzipBomb = await buffer(
    Readable.from(
      (function* () {
        for (let index = 0; index < 300; index++) yield zeros;
      })(),
    ).pipe(createGzip()),
  );
});

/** What the server wrote; `closed` settles when the connection closes, whoever closed it. */
interface Written {
  bytes: number;
  closedEarly: boolean;
  closed: Promise<void>;
  markClosed: () => void;
}

function newWritten(): Written {
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  return { bytes: 0, closedEarly: false, closed, markClosed };
}

/** Writes `total` bytes of spaces (endless when `Infinity`), minding backpressure; stops when the client goes away. */
function streamSpaces(response: ServerResponse, total: number, written: Written): void {
  const chunk = Buffer.alloc(MiB, " ");
  response.on("close", () => {
    written.closedEarly = written.bytes < total;
    written.markClosed();
  });
  const pump = (): void => {
    while (written.bytes < total && !response.destroyed) {
      written.bytes += chunk.length;
      if (!response.write(chunk)) {
        response.once("drain", pump);
        return;
      }
    }
    if (!response.destroyed) response.end();
  };
  pump();
}

/** Runs `action` and returns its outcome with the peak growth of heap and buffer memory meanwhile. */
async function withPeakMemory<T>(action: () => Promise<T>): Promise<{ outcome: T; growth: number }> {
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
  const start = used();
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, used())), 2);
  try {
    const outcome = await action();
    return { outcome, growth: Math.max(peak, used()) - start };
  } finally {
    clearInterval(sampler);
  }
}

describe("response bodies are bounded (issue 8 item 11)", () => {
  test("fails a GET whose body streams 400 MB once it passes MAX_RESPONSE_BYTES, without retrying, and closes the connection", async () => {
    const written = newWritten();
    await withRawServer(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        streamSpaces(response, 400 * MiB, written);
      },
      async (server) => {
        const { outcome, growth } = await withPeakMemory(() =>
          server
            .client()
            .getClientCertificate(zoneId, certificateId)
            .catch((caught: unknown) => caught),
        );
        expect(outcome).toBeInstanceOf(CloudflareApiError);
        expect(outcome).not.toBeInstanceOf(UncertainOutcomeError);
        expect((outcome as Error).message).toMatch(tooLarge("counted after decompression"));
        expect(server.requests).toHaveLength(1);
        expect(growth).toBeLessThan(100 * MiB);
        // The client must close it: a server left alone writes on (400 MB, or forever).
        await written.closed;
        expect(written.closedEarly).toBe(true);
        expect(written.bytes).toBeLessThan(100 * MiB);
      },
    );
  });

  test("fails a GET whose 300 KB gzip body inflates to 300 MB once the decoded bytes pass MAX_RESPONSE_BYTES", async () => {
    await withRawServer(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": gzipBomb.length });
        response.end(gzipBomb);
      },
      async (server) => {
        expect(gzipBomb.length).toBeLessThan(MiB);
        const { outcome, growth } = await withPeakMemory(() =>
          server
            .client()
            .getClientCertificate(zoneId, certificateId)
            .catch((caught: unknown) => caught),
        );
        expect(outcome).toBeInstanceOf(CloudflareApiError);
        expect((outcome as Error).message).toMatch(tooLarge("counted after decompression"));
        expect(server.requests).toHaveLength(1);
        expect(growth).toBeLessThan(100 * MiB);
      },
    );
  });

  test("ends an endless body at the limit, not at the request timeout", async () => {
    const written = newWritten();
    await withRawServer(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        streamSpaces(response, Number.POSITIVE_INFINITY, written);
      },
      async (server) => {
        const error = await server
          .client({ timeoutMs: 60_000 })
          .getClientCertificate(zoneId, certificateId)
          .catch((caught: unknown) => caught);
        expect((error as Error).message).toMatch(tooLarge("counted after decompression"));
        // The client must close it: a server left alone writes on (400 MB, or forever).
        await written.closed;
        expect(written.closedEarly).toBe(true);
      },
    );
  });

  test("refuses a body whose content-length passes the limit before reading it", async () => {
    const written = newWritten();
    await withRawServer(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-length": 400 * MiB });
        streamSpaces(response, 400 * MiB, written);
      },
      async (server) => {
        const error = await server
          .client()
          .getClientCertificate(zoneId, certificateId)
          .catch((caught: unknown) => caught);
        expect((error as Error).message).toMatch(tooLarge(`content-length ${400 * MiB}`));
        // The client must close it: a server left alone writes on (400 MB, or forever).
        await written.closed;
        expect(written.closedEarly).toBe(true);
      },
    );
  });

  test("reads an answer of exactly MAX_RESPONSE_BYTES, and refuses one a byte longer", async () => {
    const envelope = successEnvelope(apiCertificate(0));
    let padding = MAX_RESPONSE_BYTES - Buffer.byteLength(envelope);
    await withRawServer(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.write(envelope);
        response.end(" ".repeat(padding));
      },
      async (server) => {
        expect((await server.client().getClientCertificate(zoneId, certificateId)).id).toBe(apiCertificate(0)["id"]);
        padding += 1;
        const error = await server
          .client()
          .getClientCertificate(zoneId, certificateId)
          .catch((caught: unknown) => caught);
        expect((error as Error).message).toMatch(tooLarge("counted after decompression"));
      },
    );
  });

  test("decodes an answer that starts with a UTF-8 byte order mark, as got did", async () => {
    await withRawServer(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(`\uFEFF${successEnvelope(apiCertificate(5))}`);
      },
      async (server) => {
        expect((await server.client().getClientCertificate(zoneId, apiCertificate(5)["id"] as string)).id).toBe(apiCertificate(5)["id"]);
      },
    );
  });

  test("decodes a gzip answer that fits", async () => {
    await withRawServer(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        response.end(gzipSync(successEnvelope(apiCertificate(7))));
      },
      async (server) => {
        expect((await server.client().getClientCertificate(zoneId, apiCertificate(7)["id"] as string)).id).toBe(apiCertificate(7)["id"]);
      },
    );
  });

  test("reports a create whose answer is too large as an uncertain outcome, so the lost-create recovery looks for the certificate", async () => {
    const written = newWritten();
    await withRawServer(
      (request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        if (request.method === "POST") streamSpaces(response, Number.POSITIVE_INFINITY, written);
        else response.end(successEnvelope([], { page: 1, per_page: 50, count: 0, total_count: 0, total_pages: 0 }));
      },
      async (server) => {
        const csr = csrFixture("ecdsa-p256");
        const error = await server
          .client()
          .createClientCertificate(zoneId, { csr, validityDays: 30 })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(UncertainOutcomeError);
        expect((error as Error).message).toMatch(
          new RegExp(
            `^creating client certificate in zone ${zoneId}: Cloudflare's answer \\(HTTP 200\\) is larger than ${MAX_RESPONSE_BYTES} bytes .*, so whether Cloudflare acted on the request is unknown$`,
          ),
        );
        server.requests.length = 0;
        const recovered = await issueClientCertificate(
          server.client(),
          zoneId,
          { csr, validityDays: 30 },
          { sleep: async () => undefined },
        ).catch((caught: unknown) => caught);
        expect((recovered as Error).message).toMatch(
          /so whether Cloudflare acted on the request is unknown; Cloudflare lists no certificate issued for this CSR since the request, so none was issued/,
        );
        const list = `GET /client/v4/zones/${zoneId}/client_certificates?status=active&page=1&per_page=50`;
        // The first listing is the create's pre-check for certificates an interrupted update issued.
        expect(server.requests).toEqual([list, `POST /client/v4/zones/${zoneId}/client_certificates`, list, list]);
      },
    );
  });
});

describe("receiveBounded on its own, with a small limit", () => {
  /** A stand-in for got's request stream: it emits `response` with the headers, then the (decoded) body. */
  function answer(headers: Record<string, string>, body: string, limit: number) {
    const stream = new PassThrough();
    const received = receiveBounded(stream, limit);
    stream.emit("response", { statusCode: 200, headers });
    stream.end(body);
    return received;
  }

  test("a declared length equal to the limit is read", async () => {
    expect((await answer({ "content-length": "10" }, "0123456789", 10)).body).toEqual({ text: "0123456789" });
  });

  test("a declared length past the limit is refused unread, whatever the case and spacing of an identity encoding", async () => {
    expect((await answer({ "content-length": "100", "content-encoding": " IDENTITY " }, "short", 10)).body).toEqual({
      tooLarge: "content-length 100",
    });
  });

  test("the length of a compressed body says nothing of the decoded size, so it is not used", async () => {
    // The stream got hands over is already decoded: 5 bytes, whatever the gzip body's length was.
    expect((await answer({ "content-length": "100", "content-encoding": "gzip" }, "small", 10)).body).toEqual({ text: "small" });
  });

  test("a body without a declared length is counted as it arrives", async () => {
    expect((await answer({}, "x".repeat(11), 10)).body).toEqual({ tooLarge: "counted after decompression" });
  });
});

describe("responseTooLargeError", () => {
  test("keeps the status, for a create (uncertain) and for any other request", () => {
    const uncertain = responseTooLargeError("creating client certificate", 200, "content-length 1", true);
    expect(uncertain).toBeInstanceOf(UncertainOutcomeError);
    expect(uncertain.status).toBe(200);
    const certain = responseTooLargeError("reading client certificate", 502, "content-length 1", false);
    expect(certain).not.toBeInstanceOf(UncertainOutcomeError);
    expect(certain.status).toBe(502);
  });
});
