import { callApi } from "../helpers/call-api";
import { withEmulator } from "../helpers/with-emulator";
import { startEmulator, type Emulator } from "../../emulator/index";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const certificateId = "0123456789abcdef0123456789abcdef";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

const couldNotRoute = (path: string) => `Could not route to ${path}, perhaps your object identifier is invalid?`;

describe("routing", () => {
  test.each([
    { path: `/zones/${zoneId}/client_certificate` },
    { path: `/zones/${zoneId}/client_certificates/${certificateId}/extra` },
    { path: "/zones" },
    { path: "/user/tokens/verify" },
  ])("an unknown path $path answers 404 with code 7003", async ({ path }) => {
    const reply = await callApi(emulator, { path });
    expect(reply.status).toBe(404);
    expect(reply.envelope).toEqual({ success: false, errors: [{ code: 7003, message: couldNotRoute(path) }], messages: [], result: null });
  });

  test("a path outside /client/v4 also answers with a Cloudflare envelope", async () => {
    const response = await fetch(`${emulator.baseUrl.replace("/client/v4", "")}/client/v3/zones`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ success: false, errors: [{ code: 7003 }], result: null });
  });

  test.each([
    { method: "PUT", path: `/zones/${zoneId}/client_certificates`, allow: "GET, POST" },
    { method: "POST", path: `/zones/${zoneId}/client_certificates/${certificateId}`, allow: "GET, PATCH, DELETE" },
  ])("$method on a known path answers 405 with Allow: $allow", async ({ method, path, allow }) => {
    const reply = await callApi(emulator, { method, path });
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe(allow);
    expect(reply.envelope).toMatchObject({ success: false, errors: [{ code: 7001 }], result: null });
  });

  test.each([
    { name: "a short zone id", path: "/zones/023e105f/client_certificates" },
    { name: "an upper-case zone id", path: `/zones/${zoneId.toUpperCase()}/client_certificates` },
    { name: "a 33-character zone id", path: `/zones/${zoneId}0/client_certificates` },
    { name: "a certificate id that is not hex", path: `/zones/${zoneId}/client_certificates/${"z".repeat(32)}` },
    { name: "a 40-character certificate id", path: `/zones/${zoneId}/client_certificates/${"a".repeat(40)}` },
  ])("$name answers 400 with code 7003", async ({ path }) => {
    const reply = await callApi(emulator, { path });
    expect(reply.status).toBe(400);
    expect(reply.envelope).toEqual({ success: false, errors: [{ code: 7003, message: couldNotRoute(path) }], messages: [], result: null });
  });

  test("with a zone set, other zones answer 400 with code 7003 and listed zones work", async () => {
    const known = "f".repeat(32);
    await withEmulator({ zones: [known] }, async (zoned) => {
      expect((await callApi(zoned, { path: `/zones/${known}/client_certificates` })).status).toBe(200);
      const unknown = await callApi(zoned, { path: `/zones/${zoneId}/client_certificates` });
      expect(unknown.status).toBe(400);
      expect(unknown.envelope.errors).toEqual([{ code: 7003, message: couldNotRoute(`/zones/${zoneId}/client_certificates`) }]);
    });
  });

  test("checks credentials before routing, so nothing is revealed without them", async () => {
    const reply = await callApi(emulator, { path: "/zones", auth: "none" });
    expect(reply.status).toBe(400);
    expect(reply.envelope.errors[0]?.code).toBe(9106);
  });

  test("answers JSON with a cf-ray header, like Cloudflare", async () => {
    const reply = await callApi(emulator, { path: `/zones/${zoneId}/client_certificates` });
    expect(reply.headers.get("content-type")).toBe("application/json");
    expect(reply.headers.get("cf-ray")).toMatch(/^[0-9a-f]{16}-EMU$/);
  });

  test("refuses a body over 1 MiB with 413", async () => {
    const reply = await callApi(emulator, {
      method: "POST",
      path: `/zones/${zoneId}/client_certificates`,
      body: "x".repeat(1024 * 1024 + 1),
    });
    expect(reply.status).toBe(413);
    expect(reply.envelope.success).toBe(false);
  });

  test("refuses invalid options at start", async () => {
    await expect(startEmulator({ zones: ["not-a-zone"] })).rejects.toThrow(/zone ids are 32 lower-case hex characters/);
    await expect(startEmulator({ apiKey: "key" })).rejects.toThrow(/apiKey and email go together/);
    await expect(startEmulator({ revocationDelayMs: -1 })).rejects.toThrow(/revocationDelayMs must be >= 0/);
    await expect(startEmulator({ token: "has space" })).rejects.toThrow(/without whitespace/);
  });
});
