import { CloudflareApiError, UncertainOutcomeError } from "../provider/errors";
import { csrFixture } from "./fixtures/csr-fixtures";
import { rejection } from "./helpers/rejection";
import { withRawServer } from "./helpers/raw-server";

// The per-attempt time limit, measured on a fake clock: the server never answers, and the test
// moves time forward instead of waiting 30 s. Node's I/O callbacks stay real.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const certificateId = "0123456789abcdef0123456789abcdef";

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
});
afterEach(() => {
  jest.useRealTimers();
});

/** A server that reads each request and never answers; resolves `arrived` on the first. */
async function withSilentServer(
  run: (server: Parameters<Parameters<typeof withRawServer>[1]>[0], arrived: Promise<void>) => Promise<void>,
): Promise<void> {
  let signal: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (signal = resolve));
  await withRawServer(
    () => signal(),
    (server) => run(server, arrived),
  );
}

/** The promise's state, without waiting for it: "pending" while no answer or error arrived. */
async function stateOf(promise: Promise<unknown>): Promise<"pending" | "settled"> {
  const marker = Symbol("pending");
  const winner = await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise((resolve) => setImmediate(() => resolve(marker))),
  ]);
  return winner === marker ? "pending" : "settled";
}

describe("one attempt may take 30 s by default", () => {
  test("a GET to a silent server is still waiting at 29.999 s and fails at 30 s", async () => {
    await withSilentServer(async (server, arrived) => {
      const reading = server.client({ retry: { maxRetries: 0 } }).getClientCertificate(zoneId, certificateId);
      const outcome = rejection(reading);
      await arrived;
      await jest.advanceTimersByTimeAsync(29_999);
      expect(await stateOf(reading)).toBe("pending");
      await jest.advanceTimersByTimeAsync(1);
      expect(await stateOf(reading)).toBe("settled");
      const error = await outcome;
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(error.message).toBe(
        `reading client certificate ${certificateId} in zone ${zoneId}: no response from Cloudflare: Timeout awaiting 'request' for 30000ms (ETIMEDOUT); gave up after 1 attempts`,
      );
    });
  });

  test("a POST that times out is an uncertain outcome, never sent again", async () => {
    await withSilentServer(async (server, arrived) => {
      const creating = server.client().createClientCertificate(zoneId, { csr: csrFixture("ecdsa-p256"), validityDays: 30 });
      const outcome = rejection(creating);
      await arrived;
      await jest.advanceTimersByTimeAsync(30_000);
      expect(await stateOf(creating)).toBe("settled");
      const error = await outcome;
      expect(error).toBeInstanceOf(UncertainOutcomeError);
      expect(error.message).toBe(
        `creating client certificate in zone ${zoneId}: no response from Cloudflare: Timeout awaiting 'request' for 30000ms (ETIMEDOUT)`,
      );
      expect(server.requests).toEqual([`POST /client/v4/zones/${zoneId}/client_certificates`]);
    });
  });

  test("timeoutMs sets another limit", async () => {
    await withSilentServer(async (server, arrived) => {
      const reading = server.client({ timeoutMs: 5_000, retry: { maxRetries: 0 } }).getClientCertificate(zoneId, certificateId);
      const outcome = rejection(reading);
      await arrived;
      await jest.advanceTimersByTimeAsync(4_999);
      expect(await stateOf(reading)).toBe("pending");
      await jest.advanceTimersByTimeAsync(1);
      expect(await stateOf(reading)).toBe("settled");
      expect((await outcome).message).toMatch(/Timeout awaiting 'request' for 5000ms \(ETIMEDOUT\); gave up after 1 attempts$/);
    });
  });
});
