import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { inspect } from "node:util";
import { authenticationHeaders } from "../provider/credentials";
import { AuthenticationError, CloudflareApiError, NotFoundError, RateLimitedError, UncertainOutcomeError } from "../provider/errors";
import { HttpTransport, type ApiRequest, type RetryMode } from "../provider/http-transport";
import { closeGate, gateKey, gateWaitMs } from "../provider/rate-limit-gate";
import type { RetryBudget } from "../provider/retry-policy";
import { rejection } from "./helpers/rejection";
import { successEnvelope, withRawServer } from "./helpers/raw-server";

// The transport on its own: what it sends, which answers it retries, and the error each answer
// becomes (class, message, status and errors). The client and provider suites cover the same code
// through whole operations; these pin the branches they reach only by accident.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const context = { action: "reading client certificate", zoneId, certificateId: "c".repeat(32) };
const operation = `reading client certificate ${"c".repeat(32)} in zone ${zoneId}`;

let tokenCounter = 0;
/** A token of its own per transport, so no test meets another's rate-limit gate. */
function freshToken(): string {
  tokenCounter += 1;
  return `transport-test-token-${tokenCounter}`;
}

interface TransportSetup {
  token?: string;
  sleeps?: number[];
  maxTotalWaitMs?: number;
  maxRetries?: number;
  shared?: boolean;
}

function transport(baseUrl: string, options: TransportSetup = {}) {
  const sleeps = options.sleeps ?? [];
  return new HttpTransport(
    { credentials: { apiToken: options.token ?? freshToken() }, baseUrl },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      retry: {
        ...(options.maxTotalWaitMs === undefined ? {} : { maxTotalWaitMs: options.maxTotalWaitMs }),
        ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
      },
      ...(options.shared === true ? { shareRetryBudget: true } : {}),
    },
  );
}

function get(retryMode: RetryMode = "idempotent"): ApiRequest {
  return { method: "GET", path: `zones/${zoneId}/client_certificates/${"c".repeat(32)}`, context, retryMode };
}

const errorEnvelope = (errors: Array<{ code: number; message: string }>) =>
  JSON.stringify({ success: false, errors, messages: [], result: null });

/** A handler that answers every request with `status` and `body`. */
function always(status: number, body: string, contentType = "application/json") {
  return (_request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(status, { "content-type": contentType });
    response.end(body);
  };
}

describe("what a request carries", () => {
  test("sends the user agent and asks for JSON", async () => {
    const seen: Array<Record<string, unknown>> = [];
    await withRawServer(
      (request, response) => {
        seen.push({ "user-agent": request.headers["user-agent"], accept: request.headers.accept });
        response.end(successEnvelope({}));
      },
      async (server) => {
        await transport(server.baseUrl).send(get());
        expect(seen).toEqual([{ "user-agent": "pulumi-cloudflare-mtls", accept: "application/json" }]);
      },
    );
  });

  test("does not follow a redirect: a 302 is an answer, and the request is not sent again elsewhere", async () => {
    await withRawServer(
      (request, response) => {
        if (request.url?.startsWith("/elsewhere") === true) {
          response.end(successEnvelope({ followed: true }));
          return;
        }
        response.writeHead(302, { location: "/elsewhere" });
        response.end();
      },
      async (server) => {
        const error = await rejection(transport(server.baseUrl).send(get()));
        expect(error).toBeInstanceOf(CloudflareApiError);
        expect(error.message).toBe(
          `${operation}: Cloudflare answered HTTP 302 with a body that is not a Cloudflare API response (empty body)`,
        );
        expect(server.requests).toHaveLength(1);
      },
    );
  });

  test("keeps the got client, which holds the credentials, out of what printing the transport shows", async () => {
    const token = freshToken();
    await withRawServer(
      (_request, response) => response.end(successEnvelope({})),
      async (server) => {
        const sender = transport(server.baseUrl, { token });
        await sender.send(get());
        expect(inspect(sender, { depth: 6 })).not.toContain(token);
        expect(Object.keys(sender)).not.toContain("client");
      },
    );
  });
});

describe("which answers count as success", () => {
  test.each([300, 400])("an envelope with success: true under HTTP %i is an error", async (status) => {
    await withRawServer(always(status, successEnvelope({ id: "x" })), async (server) => {
      const error = await rejection(transport(server.baseUrl).send(get()));
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(error.message).toBe(`${operation}: no error details in the response (HTTP ${status})`);
      expect(server.requests).toHaveLength(1);
    });
  });
});

describe("answers that are not Cloudflare envelopes", () => {
  test("a GET answered by an HTML 502 is retried, and then succeeds", async () => {
    let answered = 0;
    await withRawServer(
      (_request, response) => {
        answered += 1;
        if (answered === 1) {
          response.writeHead(502, { "content-type": "text/html" });
          response.end("<html>502 Bad Gateway</html>");
        } else response.end(successEnvelope({ id: "x" }));
      },
      async (server) => {
        const { result } = await transport(server.baseUrl).send(get());
        expect(result).toEqual({ id: "x" });
        expect(server.requests).toHaveLength(2);
      },
    );
  });

  test("a GET that only ever gets HTML 502 gives up with the status and why", async () => {
    await withRawServer(always(502, "<html>502 Bad Gateway</html>", "text/html"), async (server) => {
      const error = await rejection(transport(server.baseUrl).send(get()));
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(error).not.toBeInstanceOf(UncertainOutcomeError);
      expect(error.message).toBe(
        `${operation}: Cloudflare answered HTTP 502 with a body that is not a Cloudflare API response (starts with "<html>502 Bad Gateway</html>"); gave up after 5 attempts`,
      );
      expect((error as CloudflareApiError).status).toBe(502);
      expect(server.requests).toHaveLength(5);
    });
  });

  test("a POST answered by an HTML 502 is not retried: its outcome is uncertain, and the error says the status", async () => {
    await withRawServer(always(502, "<html>502 Bad Gateway</html>", "text/html"), async (server) => {
      const error = await rejection(transport(server.baseUrl).send({ ...get("unsent-only"), method: "POST", body: { csr: "x" } }));
      expect(error).toBeInstanceOf(UncertainOutcomeError);
      expect((error as CloudflareApiError).status).toBe(502);
      expect(server.requests).toHaveLength(1);
    });
  });

  test("a POST answered 429 by a body that is not an envelope is retried: a refused request was not processed", async () => {
    let answered = 0;
    const handler = (_request: IncomingMessage, response: ServerResponse): void => {
      if (answered++ === 0) return always(429, "<html>429 Too Many Requests</html>", "text/html")(_request, response);
      always(200, successEnvelope({ id: "issued" }))(_request, response);
    };
    await withRawServer(handler, async (server) => {
      const { result } = await transport(server.baseUrl).send({ ...get("unsent-only"), method: "POST", body: { csr: "x" } });
      expect(result).toEqual({ id: "issued" });
      expect(server.requests).toHaveLength(2);
    });
  });

  test.each([300, 404])("a GET answered by HTML under HTTP %i fails at once", async (status) => {
    await withRawServer(always(status, "<html>nope</html>", "text/html"), async (server) => {
      const error = await rejection(transport(server.baseUrl).send(get()));
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(error).not.toBeInstanceOf(NotFoundError);
      expect((error as CloudflareApiError).status).toBe(status);
      expect(server.requests).toHaveLength(1);
    });
  });
});

describe("server errors with an envelope", () => {
  const failure = [{ code: 10002, message: "internal" }];

  test("a POST answered 500 is uncertain and keeps the status and errors", async () => {
    await withRawServer(always(500, errorEnvelope(failure)), async (server) => {
      const error = (await rejection(
        transport(server.baseUrl).send({ ...get("unsent-only"), method: "POST", body: {} }),
      )) as CloudflareApiError;
      expect(error).toBeInstanceOf(UncertainOutcomeError);
      expect(error.status).toBe(500);
      expect(error.errors).toEqual(failure);
      expect(server.requests).toHaveLength(1);
    });
  });

  test("a GET that only ever gets 500 gives up keeping the status and errors", async () => {
    await withRawServer(always(500, errorEnvelope(failure)), async (server) => {
      const error = (await rejection(transport(server.baseUrl).send(get()))) as CloudflareApiError;
      expect(error.message).toBe(`${operation}: Cloudflare error 10002: internal (HTTP 500); gave up after 5 attempts`);
      expect(error.status).toBe(500);
      expect(error.errors).toEqual(failure);
    });
  });
});

describe("how a refusal is classified", () => {
  async function refusal(status: number, errors: Array<{ code: number; message: string }>): Promise<CloudflareApiError> {
    return withRawServer(
      always(status, errorEnvelope(errors)),
      async (server) => (await rejection(transport(server.baseUrl).send(get()))) as CloudflareApiError,
    );
  }

  test.each([
    { name: "HTTP 401 without codes", status: 401, errors: [] },
    { name: "HTTP 403 with another code", status: 403, errors: [{ code: 1000, message: "forbidden" }] },
    { name: "HTTP 400 with code 10000", status: 400, errors: [{ code: 10000, message: "Authentication error" }] },
    {
      name: "HTTP 400 with code 9109 after another",
      status: 400,
      errors: [
        { code: 1000, message: "bad" },
        { code: 9109, message: "Invalid access token" },
      ],
    },
  ])("$name is an authentication error", async ({ status, errors }) => {
    const error = await refusal(status, errors);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(status);
    expect(error.errors).toEqual(errors);
    expect(error.message).toMatch(/check the credentials in CLOUDFLARE_API_TOKEN/);
  });

  test("HTTP 400 with other codes is a plain API error", async () => {
    const error = await refusal(400, [{ code: 1000, message: "bad" }]);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect(error).not.toBeInstanceOf(NotFoundError);
  });

  test("HTTP 404 without error codes means the certificate is gone", async () => {
    const error = await refusal(404, []);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(404);
  });
});

describe("no answer at all", () => {
  test("a GET answered with bytes that are not HTTP fails at once, naming the parser's code and nothing else", async () => {
    const sockets: Socket[] = [];
    const garbage = createTcpServer((socket) => {
      sockets.push(socket);
      socket.end("this is not HTTP\r\n\r\n");
    });
    await new Promise<void>((resolve) => garbage.listen(0, "127.0.0.1", resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/client/v4`;
      const error = await rejection(transport(baseUrl).send(get()));
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(error.message).toMatch(new RegExp(`^${operation}: no response from Cloudflare: .+ \\(HPE_[A-Z_]+\\)$`));
      expect(sockets).toHaveLength(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => garbage.close(resolve));
    }
  });
});

describe("a 503 is not a rate limit", () => {
  test("retrying a 503 that asks to wait does not close the rate-limit gate for the other requests", async () => {
    const token = freshToken();
    let answered = 0;
    await withRawServer(
      (_request, response) => {
        answered += 1;
        if (answered === 1) {
          response.writeHead(503, { "content-type": "application/json", "retry-after": "60" });
          response.end(errorEnvelope([{ code: 10002, message: "busy" }]));
        } else response.end(successEnvelope({}));
      },
      async (server) => {
        const sleeps: number[] = [];
        await transport(server.baseUrl, { token, sleeps }).send(get());
        expect(sleeps).toEqual([60_000]);
        expect(gateWaitMs(gateKey(server.baseUrl, authenticationHeaders({ apiToken: token })), Date.now())).toBe(0);
      },
    );
  });
});

describe("waiting at a closed rate-limit gate", () => {
  const baseUrl = "http://127.0.0.1:9/client/v4";
  const now = 1_800_000_000_000;
  let dateNow: jest.SpiedFunction<typeof Date.now>;
  beforeEach(() => {
    dateNow = jest.spyOn(Date, "now").mockReturnValue(now);
  });
  afterEach(() => dateNow.mockRestore());

  function closedGate(waitMs: number): string {
    const token = freshToken();
    closeGate(gateKey(baseUrl, authenticationHeaders({ apiToken: token })), now + waitMs);
    return token;
  }

  test("a wait that exactly fills the budget is waited, and charged to it", async () => {
    const token = closedGate(4_000);
    const sleeps: number[] = [];
    // The gate's wait comes first; the connection to port 9 is then refused, and no retry is allowed.
    const budget: RetryBudget = { waitedMs: 1_000 };
    await rejection(transport(baseUrl, { token, sleeps, maxTotalWaitMs: 5_000, maxRetries: 0 }).send(get(), budget));
    expect(sleeps).toEqual([4_000]);
    expect(budget.waitedMs).toBe(5_000);
    expect(budget.waitedUntilMs).toBe(now + 4_000);
  });

  test("a wait past the budget fails at once with what it would have waited", async () => {
    const token = closedGate(4_001);
    const sleeps: number[] = [];
    const error = await rejection(transport(baseUrl, { token, sleeps, maxTotalWaitMs: 10_000 }).send(get(), { waitedMs: 6_000 }));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.message).toBe(
      `${operation}: rate limited by Cloudflare for 5 s more (another request with these credentials was refused), which would exceed the retry budget of 10 s (already waited 6 s)`,
    );
    expect((error as RateLimitedError).status).toBe(429);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(5);
    expect(sleeps).toEqual([]);
  });

  test("each call gets a budget of its own, unless the transport shares one", () => {
    const own = transport(baseUrl);
    expect(own.budgetForCall()).not.toBe(own.budgetForCall());
    const shared = transport(baseUrl, { shared: true });
    expect(shared.budgetForCall()).toBe(shared.budgetForCall());
  });

  test("the next request of the same operation does not wait for the same block again", async () => {
    const token = closedGate(3_000);
    const sleeps: number[] = [];
    const sender = transport(baseUrl, { token, sleeps, shared: true, maxRetries: 0 });
    const budget = sender.budgetForCall();
    await rejection(sender.send(get(), budget));
    await rejection(sender.send(get(), budget));
    expect(sleeps).toEqual([3_000]);
    expect(budget.waitedMs).toBe(3_000);
  });
});
