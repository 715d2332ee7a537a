import type { IncomingMessage, ServerResponse } from "node:http";
import { adminRefusal } from "./admin-access";
import { parseFaultSpec } from "./faults";
import { readBody } from "./http-io";
import type { Emulator } from "./server";

/** Root of the admin interface: outside /client/v4, no auth, local tools only (see admin-access.ts). */
export const ADMIN_PREFIX = "/__emulator";

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ENDPOINTS = [
  "GET    /__emulator/state                      certificates (all zones) and pending faults",
  "GET    /__emulator/requests                   recorded API requests",
  "DELETE /__emulator/requests                   clear the request log and counters",
  "GET    /__emulator/counters                   request totals by route and status",
  "GET    /__emulator/ca.pem                     the CA certificate",
  'POST   /__emulator/certificates/:id/revoke    body {"immediately"?: boolean}',
  "DELETE /__emulator/certificates/:id           forget a certificate (the API then answers 1415)",
  "GET    /__emulator/faults                     pending faults",
  "POST   /__emulator/faults                     body: a fault {route, kind, times?, delayMs?, status?, retryAfterSeconds?} or an array",
  "DELETE /__emulator/faults                     clear pending faults",
  "POST   /__emulator/reset                      forget certificates, requests, faults, rate limits",
];

/** Serves the admin interface for the demo and for tools outside the test process. */
export async function handleAdminRequest(emulator: Emulator, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const refusal = adminRefusal(request, emulator.adminUrl);
  if (refusal !== undefined) {
    request.resume();
    return json(response, 403, { error: refusal });
  }
  try {
    const body = await readBody(request);
    const route = `${request.method ?? "GET"} ${url.pathname.slice(ADMIN_PREFIX.length).replace(/\/$/, "") || "/"}`;
    const certificateAction = /^(POST|DELETE) \/certificates\/([^/]+)(\/revoke)?$/.exec(route);

    if (certificateAction !== null) {
      const [, method, id = "", revoke] = certificateAction;
      if (method === "POST" && revoke !== undefined) {
        const options = body.trim() === "" ? {} : parseObject(body);
        const immediately = options["immediately"];
        if (immediately !== undefined && typeof immediately !== "boolean") {
          throw new AdminError(400, "immediately must be a boolean");
        }
        notFoundUnless(() => emulator.revokeOutOfBand(id, immediately === undefined ? {} : { immediately }));
        return json(
          response,
          200,
          emulator.certificates().find((certificate) => certificate.id === id),
        );
      }
      if (method === "DELETE" && revoke === undefined) {
        notFoundUnless(() => emulator.deleteOutOfBand(id));
        return noContent(response);
      }
    }

    switch (route) {
      case "GET /":
        return json(response, 200, { baseUrl: emulator.baseUrl, adminUrl: emulator.adminUrl, endpoints: ENDPOINTS });
      case "GET /state":
        return json(response, 200, {
          certificateAuthority: emulator.certificateAuthority,
          certificates: emulator.certificates(),
          faults: emulator.pendingFaults(),
        });
      case "GET /requests":
        return json(response, 200, emulator.requests());
      case "DELETE /requests":
        emulator.clearRequests();
        return noContent(response);
      case "GET /counters":
        return json(response, 200, emulator.counters());
      case "GET /ca.pem":
        response.writeHead(200, { "content-type": "application/x-pem-file" });
        response.end(`${emulator.caCertificatePem}\n`);
        return;
      case "GET /faults":
        return json(response, 200, emulator.pendingFaults());
      case "POST /faults": {
        const parsed: unknown = parseJson(body);
        const specs = (Array.isArray(parsed) ? parsed : [parsed]).map((item) => {
          try {
            return parseFaultSpec(item);
          } catch (error) {
            throw new AdminError(400, error instanceof Error ? error.message : String(error));
          }
        });
        specs.forEach((spec) => emulator.injectFault(spec));
        return json(response, 201, emulator.pendingFaults());
      }
      case "DELETE /faults":
        emulator.clearFaults();
        return noContent(response);
      case "POST /reset":
        emulator.reset();
        return noContent(response);
      default:
        throw new AdminError(404, `no admin endpoint ${route}; GET ${ADMIN_PREFIX} lists them`);
    }
  } catch (error) {
    if (error instanceof AdminError) return json(response, error.status, { error: error.message });
    throw error;
  }
}

function notFoundUnless(action: () => void): void {
  try {
    action();
  } catch (error) {
    throw new AdminError(404, error instanceof Error ? error.message : String(error));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AdminError(400, "the body is not valid JSON");
  }
}

function parseObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AdminError(400, "the body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  // JSON has no Infinity; spell it as POST /faults accepts it.
  const text = `${JSON.stringify(body, (_key, value: unknown) => (value === Infinity ? "Infinity" : value), 2)}\n`;
  // Refusals quote request headers back; nosniff keeps a browser from reading that as anything but JSON.
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-content-type-options": "nosniff",
  });
  response.end(text);
}

function noContent(response: ServerResponse): void {
  response.writeHead(204);
  response.end();
}
