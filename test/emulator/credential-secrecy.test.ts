import { callApi, type ApiCall } from "../helpers/call-api";
import { startEmulator, type Emulator, type PresentedCredential, type RecordedRequest } from "../../emulator/index";

// Every credential value here contains "secret", so one search proves none of them got out.
const accepted = { token: "accepted-secret-token", apiKey: "accepted-secret-key", email: "accepted-secret@example.com" };
const collection = `/zones/${"1".repeat(32)}/client_certificates`;

const calls: { name: string; call: Partial<ApiCall>; status: number; credential: PresentedCredential }[] = [
  { name: "the accepted token", call: { auth: { token: accepted.token } }, status: 200, credential: "token" },
  {
    name: "the accepted key and email",
    call: { auth: { apiKey: accepted.apiKey, email: accepted.email } },
    status: 200,
    credential: "api-key",
  },
  { name: "a wrong token", call: { auth: { token: "presented-secret-token" } }, status: 403, credential: "rejected" },
  { name: "a wrong key", call: { auth: { apiKey: "presented-secret-key", email: accepted.email } }, status: 403, credential: "rejected" },
  {
    name: "a wrong email",
    call: { auth: { apiKey: accepted.apiKey, email: "presented-secret@example.com" } },
    status: 403,
    credential: "rejected",
  },
  {
    name: "a Basic Authorization header",
    call: { auth: "none", headers: { authorization: "Basic presented-secret-basic" } },
    status: 400,
    credential: "rejected",
  },
  {
    name: "a key without an email",
    call: { auth: "none", headers: { "x-auth-key": "presented-secret-lone-key" } },
    status: 400,
    credential: "none",
  },
  { name: "no credentials", call: { auth: "none" }, status: 400, credential: "none" },
  {
    name: "the accepted token with a cookie and a proxy credential",
    call: {
      auth: { token: accepted.token },
      headers: { cookie: "session=presented-secret-cookie", "proxy-authorization": "Basic presented-secret-proxy" },
    },
    status: 200,
    credential: "token",
  },
];

let emulator: Emulator;
const finished: RecordedRequest[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ ...accepted, onRequest: (request) => finished.push(request) });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  finished.length = 0;
});

describe("credentials in the request log", () => {
  test.each(calls)("$name is recorded as credential $credential, its value redacted", async ({ call, status, credential }) => {
    const reply = await callApi(emulator, { path: collection, ...call });
    expect(reply.status).toBe(status);
    const [record] = emulator.requests();
    expect(record?.credential).toBe(credential);
    for (const name of ["authorization", "proxy-authorization", "x-auth-key", "x-auth-email", "cookie"]) {
      const value = record?.headers[name];
      if (value !== undefined) expect(value).toMatch(/^(\S+ )?\[redacted\]$/);
    }
  });

  test("the accepted token is recorded as Bearer [redacted], like any other", async () => {
    await callApi(emulator, { path: collection, auth: { token: accepted.token } });
    expect(emulator.requests()[0]?.headers["authorization"]).toBe("Bearer [redacted]");
  });
});

describe("what the emulator serves", () => {
  test("no recorded request or admin answer contains a presented token (regression: the request log served the accepted token)", async () => {
    const served: string[] = [];
    for (const { call } of calls) served.push((await callApi(emulator, { path: collection, ...call })).text);
    emulator.injectFault({ route: "list", kind: "status", status: 503 });
    served.push((await callApi(emulator, { path: collection, auth: { token: accepted.token } })).text);
    for (const path of ["", "/state", "/requests", "/counters", "/faults", "/ca.pem"]) {
      const response = await fetch(`${emulator.adminUrl}${path}`);
      expect(response.status).toBe(200);
      served.push(await response.text());
    }

    expect(emulator.requests()).toHaveLength(calls.length + 1);
    expect(served.find((text) => text.includes("secret"))).toBeUndefined();
    expect(JSON.stringify(emulator.requests())).not.toContain("secret");
    expect(JSON.stringify(finished)).not.toContain("secret");
  });
});
