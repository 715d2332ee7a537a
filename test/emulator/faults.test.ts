import { callApi } from "../helpers/call-api";
import { generateCsr } from "../helpers/csr";
import { eventually } from "../helpers/eventually";
import { withEmulator } from "../helpers/with-emulator";
import type { FaultSpec } from "../../emulator/index";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const collection = `/zones/${zoneId}/client_certificates`;

const createBody = async () => ({ csr: (await generateCsr({ commonName: "faults.example.com" })).csrPem, validity_days: 30 });

/** The error code of a failed fetch, e.g. ECONNRESET. */
async function failureOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code ?? (error as Error | undefined)?.name ?? "no error";
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Whether `promise` has settled, after letting pending I/O callbacks run; never waits for it. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 20; turn++) await nextTurn();
  return settled;
}

describe("injected faults", () => {
  test("latency holds the answer for exactly delayMs, then it arrives normally", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "list", kind: "latency", delayMs: 150 });
      // A fake clock the test moves: no assertion on elapsed time, which a loaded machine stretches.
      jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
      try {
        const reply = callApi(emulator, { path: collection });
        for (let turn = 0; turn < 10_000 && emulator.pendingFaults().length > 0; turn++) await nextTurn();
        expect(emulator.pendingFaults()).toEqual([]);
        await jest.advanceTimersByTimeAsync(149);
        expect(await settledYet(reply)).toBe(false);
        await jest.advanceTimersByTimeAsync(1);
        // Nothing else moves the fake clock: the answer arrives only because 150 ms have passed.
        expect((await reply).status).toBe(200);
      } finally {
        jest.useRealTimers();
      }
      expect(emulator.requests()[0]).toMatchObject({ status: 200, fault: "latency" });
    });
  });

  test("status answers that status with an error envelope and leaves state alone", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "create", kind: "status", status: 503, retryAfterSeconds: 7 });
      const reply = await callApi(emulator, { method: "POST", path: collection, body: await createBody() });
      expect(reply.status).toBe(503);
      expect(reply.headers.get("retry-after")).toBe("7");
      expect(reply.envelope).toEqual({
        success: false,
        errors: [{ code: 10001, message: "Service Unavailable (emulated fault)" }],
        messages: [],
        result: null,
      });
      expect(emulator.certificates()).toEqual([]);
    });
  });

  test("status defaults to 500", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "any", kind: "status" });
      expect((await callApi(emulator, { path: collection })).status).toBe(500);
    });
  });

  test("rate-limit answers 429 with the given Retry-After and Cloudflare's code 971", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "list", kind: "rate-limit", retryAfterSeconds: 300 });
      const reply = await callApi(emulator, { path: collection });
      expect(reply.status).toBe(429);
      expect(reply.headers.get("retry-after")).toBe("300");
      expect(reply.envelope.errors).toEqual([{ code: 971, message: "Please wait and consider throttling your request speed" }]);
    });
  });

  test("reset drops the connection without an answer", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "list", kind: "reset" });
      expect(await failureOf(callApi(emulator, { path: collection }))).toBe("ECONNRESET");
      expect(emulator.requests()[0]).toMatchObject({ status: null, fault: "reset", durationMs: null });
    });
  });

  test("hang never answers, and close() still finishes promptly", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "get", kind: "hang" });
      const call = fetch(`${emulator.baseUrl}${collection}/${"0".repeat(32)}`, {
        headers: { authorization: `Bearer ${emulator.token}` },
        signal: AbortSignal.timeout(200),
      });
      expect(await failureOf(call)).toBe("TimeoutError");
      expect(emulator.requests()[0]).toMatchObject({ status: null, fault: "hang" });

      emulator.injectFault({ route: "get", kind: "hang" });
      const pending = failureOf(callApi(emulator, { path: `${collection}/${"0".repeat(32)}` }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await emulator.close();
      expect(await pending).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    });
  });

  test("malformed answers 200 with a body that is not JSON", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "list", kind: "malformed" });
      const reply = await callApi(emulator, { path: collection });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("content-type")).toBe("application/json");
      expect(() => JSON.parse(reply.text)).toThrow(SyntaxError);
    });
  });

  test("ambiguous-create issues the certificate but drops the connection", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "create", kind: "ambiguous-create" });
      expect(await failureOf(callApi(emulator, { method: "POST", path: collection, body: await createBody() }))).toBe("ECONNRESET");
      expect(emulator.certificates(zoneId)).toHaveLength(1);
      expect(emulator.certificates(zoneId)[0]?.status).toBe("active");
      expect(emulator.requests()[0]).toMatchObject({ route: "create", status: null, fault: "ambiguous-create" });
    });
  });

  test("ambiguous-create with a status issues the certificate and answers that status", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "create", kind: "ambiguous-create", status: 502 });
      const reply = await callApi(emulator, { method: "POST", path: collection, body: await createBody() });
      expect(reply.status).toBe(502);
      expect(reply.envelope.success).toBe(false);
      expect(emulator.certificates(zoneId)).toHaveLength(1);
    });
  });

  test("slow-create issues the certificate before it answers, so a client killed meanwhile never learns of it", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "create", kind: "slow-create", delayMs: 600_000 });
      const pending = callApi(emulator, { method: "POST", path: collection, body: await createBody() }).catch((error: unknown) => error);
      const [issued] = await eventually(() => (emulator.certificates(zoneId).length === 1 ? emulator.certificates(zoneId) : undefined));
      expect(issued?.status).toBe("active");
      expect(emulator.requests()).toMatchObject([{ route: "create", status: null, fault: "slow-create" }]);
      await emulator.close();
      expect(String(await pending)).toBe("TypeError: fetch failed");
    });
  });

  test("slow-create then answers normally with the certificate it issued", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "create", kind: "slow-create", delayMs: 20 });
      const reply = await callApi(emulator, { method: "POST", path: collection, body: await createBody() });
      expect(reply.status).toBe(200);
      expect(reply.envelope.result?.id).toBe(emulator.certificates(zoneId)[0]?.id);
      expect(emulator.certificates(zoneId)).toHaveLength(1);
    });
  });

  test("slow-create leaves every other route alone", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "any", kind: "slow-create", delayMs: 600_000 });
      expect((await callApi(emulator, { path: collection })).status).toBe(200);
      expect(emulator.pendingFaults()).toHaveLength(1);
    });
  });

  test("faults are consumed in order, only by matching routes, as many times as asked", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "get", kind: "status", status: 502 });
      emulator.injectFault({ route: "any", kind: "status", status: 503, times: 2 });
      emulator.injectFault({ route: "list", kind: "status", status: 504 });
      const statuses: number[] = [];
      for (let index = 0; index < 4; index++) statuses.push((await callApi(emulator, { path: collection })).status);
      expect(statuses).toEqual([503, 503, 504, 200]);
      expect(emulator.pendingFaults()).toEqual([{ route: "get", kind: "status", status: 502, remaining: 1 }]);
      emulator.clearFaults();
      expect(emulator.pendingFaults()).toEqual([]);
    });
  });

  test("a fault with times: Infinity stays until cleared; ambiguous-create on any route matches creates only", async () => {
    await withEmulator(async (emulator) => {
      emulator.injectFault({ route: "any", kind: "ambiguous-create", times: Infinity });
      expect((await callApi(emulator, { path: collection })).status).toBe(200);
      for (let index = 0; index < 3; index++) {
        await failureOf(callApi(emulator, { method: "POST", path: collection, body: await createBody() }));
      }
      expect(emulator.certificates()).toHaveLength(3);
      expect(emulator.pendingFaults()).toHaveLength(1);
    });
  });

  test.each<{ spec: unknown; message: RegExp }>([
    { spec: { route: "list", kind: "explode" }, message: /fault kind must be one of/ },
    { spec: { route: "lists", kind: "hang" }, message: /fault route must be one of/ },
    { spec: { route: "list", kind: "hang", times: 0 }, message: /positive integer or Infinity/ },
    { spec: { route: "list", kind: "status", status: 99 }, message: /fault status is invalid/ },
  ])("refuses the fault $spec", async ({ spec, message }) => {
    await withEmulator(async (emulator) => {
      expect(() => emulator.injectFault(spec as FaultSpec)).toThrow(message);
    });
  });
});
