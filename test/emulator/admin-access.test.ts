import { request as httpRequest, type OutgoingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { callApi } from "../helpers/call-api";
import { generateCsr } from "../helpers/csr";
import { startEmulator, type Emulator } from "../../emulator/index";

// Raw node:http requests, because fetch() does not let a test set Host.

interface RawReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

function adminRequest(
  emulator: Emulator,
  options: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: string },
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: emulator.port,
        method: options.method ?? "GET",
        path: `/__emulator${options.path ?? ""}`,
        headers: options.headers ?? {},
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          try {
            const text = Buffer.concat(chunks).toString("utf8");
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) as unknown });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
let emulator: Emulator;
let csrPem: string;

beforeAll(async () => {
  emulator = await startEmulator();
  csrPem = (await generateCsr({ commonName: "admin-access.example.com" })).csrPem;
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

describe("who the admin interface answers", () => {
  test.each<{ name: string; headers: (port: number) => OutgoingHttpHeaders }>([
    { name: "127.0.0.1 with the port, as curl and fetch send it", headers: () => ({}) },
    { name: "localhost with the port", headers: (port) => ({ host: `localhost:${port}` }) },
    { name: "localhost without a port", headers: () => ({ host: "localhost" }) },
    { name: "LOCALHOST in capitals", headers: (port) => ({ host: `LOCALHOST:${port}` }) },
    { name: "another address in 127.0.0.0/8", headers: (port) => ({ host: `127.1.2.3:${port}` }) },
    { name: "[::1] with the port", headers: (port) => ({ host: `[::1]:${port}` }) },
    { name: "a tab the user opened (Sec-Fetch-Site: none)", headers: () => ({ "sec-fetch-site": "none" }) },
    { name: "a same-origin request without Origin", headers: () => ({ "sec-fetch-site": "same-origin" }) },
  ])("answers $name", async ({ headers }) => {
    const reply = await adminRequest(emulator, { headers: headers(emulator.port) });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ adminUrl: emulator.adminUrl });
  });

  test.each<{ name: string; headers: (port: number) => OutgoingHttpHeaders; error: RegExp }>([
    {
      name: "a name rebound to 127.0.0.1",
      headers: (port) => ({ host: `rebind.attacker.example:${port}` }),
      error:
        /^the admin interface refuses a request with Host "rebind\.attacker\.example:\d+": it only answers requests addressed to localhost, 127\.0\.0\.0\/8 or \[::1\], which keeps out web pages using DNS rebinding\. Call http:\/\/127\.0\.0\.1:\d+\/__emulator from curl or a script, not from a web page\.$/,
    },
    {
      name: "a name that starts with localhost",
      headers: (port) => ({ host: `localhost.attacker.example:${port}` }),
      error: /^the admin interface refuses a request with Host "localhost\.attacker\.example:\d+"/,
    },
    {
      name: "a name that starts with 127.0.0.1",
      headers: () => ({ host: "127.0.0.1.attacker.example" }),
      error: /Host "127\.0\.0\.1\.attacker\.example"/,
    },
    {
      name: "0.0.0.0, which some browsers route to loopback",
      headers: (port) => ({ host: `0.0.0.0:${port}` }),
      error: /Host "0\.0\.0\.0:\d+"/,
    },
    { name: "an address outside 127.0.0.0/8", headers: () => ({ host: "128.0.0.1" }), error: /Host "128\.0\.0\.1"/ },
    { name: "a malformed address", headers: () => ({ host: "127.0.0.256" }), error: /Host "127\.0\.0\.256"/ },
    {
      name: "a web page's Origin",
      headers: () => ({ origin: "https://attacker.example" }),
      error:
        /^the admin interface refuses a request with Origin "https:\/\/attacker\.example": browsers send it for web pages, and the admin interface has no authentication\. Call http:\/\/127\.0\.0\.1:\d+\/__emulator from curl or a script, not from a web page\.$/,
    },
    { name: "the Origin of a sandboxed page", headers: () => ({ origin: "null" }), error: /Origin "null"/ },
    {
      name: "its own origin, since it serves no page",
      headers: (port) => ({ origin: `http://127.0.0.1:${port}` }),
      error: /Origin "http:\/\/127\.0\.0\.1:\d+"/,
    },
    {
      name: "Sec-Fetch-Site: cross-site",
      headers: () => ({ "sec-fetch-site": "cross-site" }),
      error: /^the admin interface refuses a request with Sec-Fetch-Site "cross-site": a browser made it for another site/,
    },
    {
      name: "Sec-Fetch-Site: same-site (another port on this host)",
      headers: () => ({ "sec-fetch-site": "same-site" }),
      error: /Sec-Fetch-Site "same-site"/,
    },
  ])("refuses $name with 403 and says why", async ({ headers, error }) => {
    const reply = await adminRequest(emulator, { headers: headers(emulator.port) });
    expect(reply.status).toBe(403);
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(reply.headers["x-content-type-options"]).toBe("nosniff");
    expect(reply.body).toEqual({ error: expect.stringMatching(error) });
  });

  test("refuses an HTTP/1.0 request without a Host header (Node itself answers 400 to HTTP/1.1 ones)", async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(emulator.port, "127.0.0.1", () => socket.end("GET /__emulator HTTP/1.0\r\n\r\n"));
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      socket.on("error", reject);
    });
    const [head = "", body = ""] = raw.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 403 /);
    expect(JSON.parse(body)).toEqual({
      error: expect.stringMatching(/^the admin interface refuses a request with no Host header: it only answers/),
    });
  });
});

describe("refused admin requests change nothing", () => {
  test("admin refuses a rebinding Host header (regression: any Host was served, so a DNS-rebinding page could read and reset the emulator)", async () => {
    const created = await callApi(emulator, {
      method: "POST",
      path: `/zones/${zoneId}/client_certificates`,
      body: { csr: csrPem, validity_days: 30 },
    });
    expect(created.status).toBe(200);
    const host = `rebind.attacker.example:${emulator.port}`;

    expect((await adminRequest(emulator, { method: "POST", path: "/reset", headers: { host } })).status).toBe(403);
    expect((await adminRequest(emulator, { path: "/requests", headers: { host } })).body).toEqual({
      error: expect.stringContaining("DNS rebinding"),
    });
    expect(emulator.certificates()).toHaveLength(1);
    expect(emulator.requests()).toHaveLength(1);
  });

  test("admin refuses a request with a browser Origin (regression: cross-site requests were served)", async () => {
    const fault = JSON.stringify({ route: "any", kind: "hang", times: "Infinity" });
    const reply = await adminRequest(emulator, {
      method: "POST",
      path: "/faults",
      headers: { origin: "https://attacker.example", "content-type": "text/plain" },
      body: fault,
    });
    expect(reply.status).toBe(403);
    expect(emulator.pendingFaults()).toEqual([]);
    expect((await adminRequest(emulator, { method: "POST", path: "/faults", body: fault })).status).toBe(201);
  });
});
