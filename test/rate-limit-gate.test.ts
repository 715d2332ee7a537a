import { ClientCertificateProvider } from "../provider/client-certificate-provider";
import { authenticationHeaders } from "../provider/credentials";
import { RateLimitedError } from "../provider/errors";
import { gateKey, gateWaitMs } from "../provider/rate-limit-gate";
import type { Emulator } from "../emulator";
import { eventually } from "./helpers/eventually";
import { rejection } from "./helpers/rejection";
import { withEmulator } from "./helpers/with-emulator";

// A 429 blocks every request of those credentials until Cloudflare's retry-after. One refused request
// is enough to learn it: the provider process's other operations wait for the same moment instead of
// each sending into the block. Five requests per minute, then a 1.5 s block (retry-after: 2 s).

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const limit = { maxRequests: 5, windowMs: 60_000, blockMs: 1_500 };
const certificateIds = Array.from({ length: 10 }, (_, index) => index.toString(16).padStart(32, "0"));

/** One provider operation per call, as the engine runs them: each has its own client and budget. */
function read(emulator: Emulator, index: number, maxTotalWaitMs?: number): Promise<unknown> {
  const retry = maxTotalWaitMs === undefined ? {} : { retry: { maxTotalWaitMs } };
  const provider = new ClientCertificateProvider({
    client: { connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl }, ...retry },
  });
  return provider.read(certificateIds[index] ?? "", { zoneId });
}

/** Whether this process has learnt of the block: the refused operation closed the gate. */
function gateClosed(emulator: Emulator): true | undefined {
  const key = gateKey(emulator.baseUrl, authenticationHeaders({ apiToken: emulator.token }));
  return gateWaitMs(key, Date.now()) > 0 ? true : undefined;
}

function refused(emulator: Emulator): number {
  return emulator.requests().filter((request) => request.status === 429).length;
}

test("after one 429, the other operations wait for its retry-after instead of being refused themselves", async () => {
  await withEmulator({ rateLimit: limit }, async (emulator) => {
    for (let index = 0; index < 5; index++) await read(emulator, index);
    const blocked = read(emulator, 5);
    // Not the emulator's count of refusals: it records the 429 before the client has read it, and
    // operations started in between would be refused too.
    await eventually(() => gateClosed(emulator));
    const others = [6, 7, 8].map((index) => read(emulator, index));
    // Unknown certificates read as deleted: every operation completed.
    expect(await Promise.all([blocked, ...others])).toEqual([{}, {}, {}, {}]);
    expect(refused(emulator)).toBe(1);
    expect(emulator.requests()).toHaveLength(10);
  });
});

test("an operation whose budget cannot cover the rest of a block fails at once, sending nothing", async () => {
  await withEmulator({ rateLimit: { ...limit, blockMs: 60_000 } }, async (emulator) => {
    for (let index = 0; index < 5; index++) await read(emulator, index);
    await rejection(read(emulator, 5, 1_000));
    const error = await rejection(read(emulator, 6, 1_000));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.message).toMatch(
      new RegExp(
        `^reading client certificate ${certificateIds[6]} in zone ${zoneId}: rate limited by Cloudflare for (59|60) s more \\(another request with these credentials was refused\\), which would exceed the retry budget of 1 s \\(already waited 0 s\\)$`,
      ),
    );
    expect(emulator.requests()).toHaveLength(6);
  });
});

test("one gate per endpoint and credentials, whatever the header order; the key holds no credential", () => {
  const token = { authorization: "Bearer secret-token" };
  const key = gateKey("https://api.example/client/v4", token);
  expect(key).toMatch(/^https:\/\/api\.example\/client\/v4 [0-9a-f]{32}$/);
  expect(key).not.toContain("secret-token");
  expect(gateKey("https://api.example/client/v4", { authorization: "Bearer other" })).not.toBe(key);
  expect(gateKey("https://other.example/client/v4", token)).not.toBe(key);
  const keyAndEmail = gateKey("u", { "x-auth-key": "k", "x-auth-email": "e" });
  expect(gateKey("u", { "x-auth-email": "e", "x-auth-key": "k" })).toBe(keyAndEmail);
  expect(gateKey("u", { "x-auth-key": "e", "x-auth-email": "k" })).not.toBe(keyAndEmail);
  // Header lines cannot hold a line break, so joining them with one keeps two header sets apart.
  expect(gateKey("u", { a: "1b:2" })).not.toBe(gateKey("u", { a: "1", b: "2" }));
});
