import { callApi } from "../helpers/call-api";
import { withEmulator } from "../helpers/with-emulator";
import { CLOUDFLARE_RATE_LIMIT } from "../../emulator/index";

const collection = `/zones/${"0".repeat(31)}1/client_certificates`;

describe("rate limiting", () => {
  test("defaults to Cloudflare's 1200 requests per 5 minutes and a 5 minute block", () => {
    expect(CLOUDFLARE_RATE_LIMIT).toEqual({ maxRequests: 1200, windowMs: 300_000, blockMs: 300_000 });
  });

  test("answers 429 with Retry-After and code 971 once the window is used up, then blocks for blockMs", async () => {
    let clockMs = Date.UTC(2026, 0, 1);
    await withEmulator({ clock: () => clockMs, rateLimit: { maxRequests: 3, windowMs: 60_000, blockMs: 2000 } }, async (emulator) => {
      for (let index = 0; index < 3; index++) {
        expect((await callApi(emulator, { path: collection })).status).toBe(200);
      }
      const limited = await callApi(emulator, { path: collection });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("2");
      expect(limited.envelope).toEqual({
        success: false,
        errors: [{ code: 971, message: "Please wait and consider throttling your request speed" }],
        messages: [],
        result: null,
      });
      // Blocked entirely, not just until a slot frees up.
      expect((await callApi(emulator, { path: collection })).status).toBe(429);
      clockMs += 1_999;
      expect((await callApi(emulator, { path: collection })).status).toBe(429);
      clockMs += 1;
      expect((await callApi(emulator, { path: collection })).status).toBe(200);
    });
  });

  test("counts each credential separately", async () => {
    const options = { apiKey: "key", email: "ops@example.com", rateLimit: { maxRequests: 1, windowMs: 60_000, blockMs: 60_000 } };
    await withEmulator(options, async (emulator) => {
      expect((await callApi(emulator, { path: collection })).status).toBe(200);
      expect((await callApi(emulator, { path: collection })).status).toBe(429);
      expect((await callApi(emulator, { path: collection, auth: { apiKey: "key", email: "ops@example.com" } })).status).toBe(200);
    });
  });

  test("does not count requests refused for bad credentials", async () => {
    await withEmulator({ rateLimit: { maxRequests: 1, windowMs: 60_000, blockMs: 60_000 } }, async (emulator) => {
      expect((await callApi(emulator, { path: collection, auth: { token: "wrong" } })).status).toBe(403);
      expect((await callApi(emulator, { path: collection })).status).toBe(200);
    });
  });

  test("frees a slot when its request leaves the window, and not before", async () => {
    // On a frozen clock the test moves: a slow machine cannot let the window pass between two requests.
    let clockMs = Date.UTC(2026, 0, 1);
    await withEmulator({ clock: () => clockMs, rateLimit: { maxRequests: 2, windowMs: 60_000, blockMs: 0 } }, async (emulator) => {
      const statusAfter = async (shiftMs: number): Promise<number> => {
        clockMs += shiftMs;
        return (await callApi(emulator, { path: collection })).status;
      };
      expect([await statusAfter(0), await statusAfter(30_000), await statusAfter(29_999)]).toEqual([200, 200, 429]);
      emulator.reset();
      // The first request leaves the window at 60 s; the second is still in it.
      expect([await statusAfter(0), await statusAfter(30_000), await statusAfter(30_000), await statusAfter(0)]).toEqual([
        200, 200, 200, 429,
      ]);
    });
  });

  test("can be switched off, and reset() forgets a block", async () => {
    await withEmulator({ rateLimit: false }, async (emulator) => {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, () => callApi(emulator, { path: collection }).then((reply) => reply.status)),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
    });
    await withEmulator({ rateLimit: { maxRequests: 1, windowMs: 60_000, blockMs: 60_000 } }, async (emulator) => {
      await callApi(emulator, { path: collection });
      expect((await callApi(emulator, { path: collection })).status).toBe(429);
      emulator.reset();
      expect((await callApi(emulator, { path: collection })).status).toBe(200);
    });
  });
});
