import { callApi, type ApiCall } from "../helpers/call-api";
import { startEmulator, type Emulator } from "../../emulator/index";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const collection = `/zones/${zoneId}/client_certificates`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ token: "emulator-token", apiKey: "global-key", email: "ops@example.com" });
});
afterAll(async () => {
  await emulator.close();
});

describe("authentication", () => {
  test.each<{ name: string; call: Partial<ApiCall> }>([
    { name: "the bearer token", call: { auth: "token" } },
    { name: "the bearer token with a lower-case scheme", call: { auth: "none", headers: { authorization: "bearer emulator-token" } } },
    { name: "the API key and email", call: { auth: { apiKey: "global-key", email: "ops@example.com" } } },
    { name: "the API key and an email in another case", call: { auth: { apiKey: "global-key", email: "OPS@example.com" } } },
  ])("accepts $name", async ({ call }) => {
    const reply = await callApi(emulator, { path: collection, ...call });
    expect(reply.status).toBe(200);
    expect(reply.envelope.success).toBe(true);
  });

  test.each<{ name: string; call: Partial<ApiCall>; status: number; errors: unknown[] }>([
    {
      name: "no credentials",
      call: { auth: "none" },
      status: 400,
      errors: [{ code: 9106, message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers" }],
    },
    {
      name: "an API key without an email",
      call: { auth: "none", headers: { "x-auth-key": "global-key" } },
      status: 400,
      errors: [{ code: 9106, message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers" }],
    },
    {
      name: "a wrong token",
      call: { auth: { token: "wrong-token" } },
      status: 403,
      errors: [{ code: 10000, message: "Authentication error" }],
    },
    {
      name: "a wrong API key",
      call: { auth: { apiKey: "wrong-key", email: "ops@example.com" } },
      status: 403,
      errors: [{ code: 10000, message: "Authentication error" }],
    },
    {
      name: "an unknown email",
      call: { auth: { apiKey: "global-key", email: "someone@example.com" } },
      status: 403,
      errors: [{ code: 10000, message: "Authentication error" }],
    },
    {
      name: "an Authorization header that is not a bearer token",
      call: { auth: "none", headers: { authorization: "Basic dXNlcjpwYXNz" } },
      status: 400,
      errors: [
        {
          code: 6003,
          message: "Invalid request headers",
          error_chain: [{ code: 6111, message: "Invalid format for Authorization header" }],
        },
      ],
    },
    {
      name: "a bearer scheme without a token",
      call: { auth: "none", headers: { authorization: "Bearer" } },
      status: 400,
      errors: [
        {
          code: 6003,
          message: "Invalid request headers",
          error_chain: [{ code: 6111, message: "Invalid format for Authorization header" }],
        },
      ],
    },
  ])("refuses $name with $status and no result", async ({ call, status, errors }) => {
    const reply = await callApi(emulator, { method: "POST", path: collection, body: { csr: "x", validity_days: 1 }, ...call });
    expect(reply.status).toBe(status);
    expect(reply.envelope).toEqual({ success: false, errors, messages: [], result: null });
  });

  test("the key and email scheme is refused when the emulator was started without one", async () => {
    const tokenOnly = await startEmulator();
    try {
      const reply = await callApi(tokenOnly, { path: collection, auth: { apiKey: "global-key", email: "ops@example.com" } });
      expect(reply.status).toBe(403);
    } finally {
      await tokenOnly.close();
    }
  });

  test("a random 40-character token is generated when none is given", async () => {
    const generated = await startEmulator();
    try {
      expect(generated.token).toMatch(/^[A-Za-z0-9_-]{40}$/);
      expect((await callApi(generated, { path: collection })).status).toBe(200);
    } finally {
      await generated.close();
    }
  });
});
