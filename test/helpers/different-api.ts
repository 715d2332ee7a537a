import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { inspectCsr } from "../../provider/csr";
import type { Emulator } from "../../emulator";

/** A running {@link startDifferentApi}. */
export interface DifferentApi {
  /** Value for CLOUDFLARE_BASE_URL. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * The emulator behind a proxy that answers differently wherever Cloudflare is undocumented, as a real
 * API might, while keeping every documented behaviour: ECDSA CSRs refused, every other refused create
 * answered 400 with one generic code, the CSR echoed with LF, a list without `status` only of active
 * certificates, `per_page` clamped instead of refused, and a reactivation answered as `active` at once.
 * The live suite must report these as "differs" and still pass. With `refuseEveryCreate` it breaks a
 * documented behaviour instead (an RSA 2048 CSR is refused), which the suite must fail on.
 */
export async function startDifferentApi(upstream: Emulator, options: { refuseEveryCreate?: boolean } = {}): Promise<DifferentApi> {
  const server = createServer((request, response) => {
    handle(upstream, request, options.refuseEveryCreate === true).then(
      ({ status, body }) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      },
      (error: unknown) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ success: false, errors: [{ code: 10000, message: String(error) }], messages: [], result: null }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/client/v4`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const refusal = (message: string): Answer => ({
  status: 400,
  body: { success: false, errors: [{ code: 1100, message }], messages: [], result: null },
});

async function handle(upstream: Emulator, request: IncomingMessage, refuseEveryCreate: boolean): Promise<Answer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const url = new URL(request.url ?? "/", "http://placeholder");
  const path = url.pathname.replace(/^\/client\/v4/, "");
  const method = request.method ?? "GET";
  const collection = /\/client_certificates$/.test(path);

  if (method === "POST" && collection && refuseEveryCreate) return refusal("Invalid CSR");
  if (method === "POST" && collection) {
    const csr = (JSON.parse(body || "{}") as { csr?: unknown }).csr;
    const key =
      typeof csr === "string"
        ? await inspectCsr(csr).then(
            (facts) => facts.keyDescription,
            () => undefined,
          )
        : undefined;
    if (key?.startsWith("ECDSA") === true) return refusal("Invalid CSR: only RSA keys are supported");
  }
  if (method === "GET" && collection) {
    if (!url.searchParams.has("status")) url.searchParams.set("status", "active");
    const perPage = Number(url.searchParams.get("per_page") ?? "20");
    url.searchParams.set("per_page", String(Math.min(50, Math.max(5, perPage))));
  }

  const answer = await fetch(`${upstream.baseUrl}${path}${url.search}`, {
    method,
    headers: { authorization: request.headers.authorization ?? "", "content-type": "application/json" },
    ...(body === "" ? {} : { body }),
  });
  const envelope = (await answer.json()) as Record<string, unknown>;
  if (method === "POST" && collection && answer.status === 400) return refusal("Invalid request");
  const result = envelope["result"];
  for (const certificate of Array.isArray(result) ? result : [result]) {
    if (typeof certificate !== "object" || certificate === null) continue;
    const fields = certificate as Record<string, unknown>;
    if (typeof fields["csr"] === "string") fields["csr"] = fields["csr"].replace(/\r\n/g, "\n");
    if (method === "PATCH" && fields["status"] === "pending_reactivation") fields["status"] = "active";
  }
  return { status: answer.status, body: envelope };
}
