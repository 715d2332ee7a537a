import { ConcurrentModificationError } from "../provider/hostname-association-sync";
import { ContractViolationError } from "../provider/errors";
import { type HostnameAssociationInputs } from "../provider/hostname-association-inputs";
import { hostnameClientFor, hostnameProviderFor } from "./helpers/hostname-associations";
import { sendEnvelope, withScriptedApi } from "./helpers/scripted-api";
import { rejection } from "./helpers/rejection";

// Raw servers that break the promises the README makes about hostname associations.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const path = `/client/v4/zones/${zoneId}/certificate_authorities/hostname_associations`;
const inputs: HostnameAssociationInputs = { zoneId, hostnames: ["a.example.com"], exclusive: false };

describe("read-back verification", () => {
  test("a server whose reads never show the write: five writes, then a clear error, and the resource is recorded", async () => {
    await withScriptedApi(
      (request, response) =>
        sendEnvelope(response, 200, {
          result: { hostnames: request.method === "PUT" ? (request.body as { hostnames: string[] }).hostnames : ["other.example.com"] },
        }),
      async (api) => {
        const error = await rejection(hostnameProviderFor(api).create(inputs));
        const lines = api.lines();
        expect(lines.filter((line) => line.startsWith("PUT"))).toHaveLength(5);
        expect(lines).toHaveLength(1 + 5 * 2 + 4);
        expect(api.requests.filter((request) => request.method === "PUT").map((request) => request.body)).toEqual(
          Array.from({ length: 5 }, () => ({ hostnames: ["other.example.com", "a.example.com"] })),
        );
        expect(error.message).toMatch(
          new RegExp(
            `^hostname association ${zoneId}/managed-ca/[0-9a-f]{12} was recorded in state, but: updating the hostnames associated with the managed CA in zone ${zoneId}: ` +
              "the change was written 5 times and each time another writer changed the list before it could be confirmed \\(last read lacks a.example.com\\); " +
              "another deployment, the dashboard or a script is editing it at the same time: run `pulumi up` again once it has finished$",
          ),
        );
        // The engine records a create that fails with an id and properties, so destroy can clean up.
        const recorded = error as Error & { id?: string; properties?: Record<string, unknown> };
        expect(recorded.id).toMatch(new RegExp(`^${zoneId}/managed-ca/`));
        expect(recorded.properties).toMatchObject({
          hostnames: [],
          missingHostnames: ["a.example.com"],
          associatedHostnames: ["other.example.com"],
        });
      },
    );
  });

  test("update and delete fail with ConcurrentModificationError after the same bounded number of writes", async () => {
    await withScriptedApi(
      (_request, response) => sendEnvelope(response, 200, { result: { hostnames: ["a.example.com"] } }),
      async (api) => {
        const outs = { ...inputs, missingHostnames: [], unexpectedHostnames: [], associatedHostnames: ["a.example.com"] };
        const error = await rejection(hostnameProviderFor(api).delete("id", outs));
        expect(error).toBeInstanceOf(ConcurrentModificationError);
        expect(error.message).toMatch(/last read still has a.example.com/);
        expect(api.lines().filter((line) => line.startsWith("PUT"))).toHaveLength(5);
      },
    );
  });

  test("a writer that interferes once costs one more write, and wins nothing", async () => {
    let stored: string[] = [];
    let interfered = false;
    await withScriptedApi(
      (request, response) => {
        if (request.method === "PUT") {
          stored = (request.body as { hostnames: string[] }).hostnames;
          if (!interfered) {
            interfered = true;
            stored = ["intruder.example.com"];
          }
        }
        sendEnvelope(response, 200, { result: { hostnames: stored } });
      },
      async (api) => {
        const { outs } = await hostnameProviderFor(api).create(inputs);
        expect(api.lines()).toEqual([`GET ${path}`, `PUT ${path}`, `GET ${path}`, `GET ${path}`, `PUT ${path}`, `GET ${path}`]);
        expect(stored).toEqual(["intruder.example.com", "a.example.com"]);
        expect(outs).toMatchObject({ hostnames: ["a.example.com"], associatedHostnames: ["a.example.com", "intruder.example.com"] });
      },
    );
  });
});

describe("malformed hostname lists are refused before anything is written", () => {
  test.each([
    {
      name: "hostnames that is a string",
      result: { hostnames: "a.example.com" },
      message: /expected hostnames to be an array of strings, got string/,
    },
    {
      name: "non-string entries",
      result: { hostnames: ["a.example.com", 7] },
      message: /expected hostnames\[1\] to be a hostname, got number/,
    },
    { name: "a null entry", result: { hostnames: [null] }, message: /expected hostnames\[0\] to be a hostname, got null/ },
    {
      name: "an enormous entry",
      result: { hostnames: ["a".repeat(100_000)] },
      message: /expected hostnames\[0\] to be a hostname, got a string of 100000 characters/,
    },
    {
      name: "a huge list",
      result: { hostnames: Array.from({ length: 10_001 }, (_, index) => `h${index}.example.com`) },
      message: /expected at most 10000 hostnames, got 10001/,
    },
    {
      name: "a result that is an array",
      result: ["a.example.com"],
      message: /expected the result to be an object \{ hostnames \}, got an array/,
    },
    { name: "a number result", result: 42, message: /expected the result to be an object \{ hostnames \}, got number/ },
  ])("$name", async ({ result, message }) => {
    await withScriptedApi(
      (_request, response) => sendEnvelope(response, 200, { result }),
      async (api) => {
        const error = await rejection(hostnameProviderFor(api).create(inputs));
        expect(error).toBeInstanceOf(ContractViolationError);
        expect(error.message).toMatch(
          new RegExp(`^reading the hostnames associated with the managed CA in zone ${zoneId}: Cloudflare broke its API contract: `),
        );
        expect(error.message).toMatch(message);
        expect(error.message.length).toBeLessThan(400);
        expect(api.lines()).toEqual([`GET ${path}`]);
      },
    );
  });
});

test("a null result or hostnames field reads as an empty list, and the read-back still catches a write it hides", async () => {
  await withScriptedApi(
    (_request, response) => sendEnvelope(response, 200, { result: null }),
    async (api) => {
      const client = hostnameClientFor(api);
      expect(await client.getHostnames(zoneId)).toEqual([]);
      expect(await rejection(hostnameProviderFor(api).create(inputs))).toMatchObject({
        message: expect.stringMatching(/last read lacks a.example.com/),
      });
    },
  );
});

const byoCa = "7a1b2c3d4e5f60718293a4b5c6d7e8f9";

test.each([
  { ca: undefined, named: "the managed CA", body: { hostnames: ["a.example.com"] } },
  { ca: byoCa, named: `mTLS certificate ${byoCa}`, body: { hostnames: ["a.example.com"], mtls_certificate_id: byoCa } },
])("a broken answer to a write names the write and $named; the body names the CA only when it is a BYO CA", async ({ ca, named, body }) => {
  await withScriptedApi(
    (_request, response) => sendEnvelope(response, 200, { result: 42 }),
    async (api) => {
      const error = await rejection(hostnameClientFor(api).replaceHostnames(zoneId, ["a.example.com"], ca));
      expect(error).toBeInstanceOf(ContractViolationError);
      expect(error.message).toBe(
        `replacing the hostnames associated with ${named} in zone ${zoneId}: Cloudflare broke its API contract: ` +
          "expected the result to be an object { hostnames }, got number",
      );
      expect(api.requests.map(({ method, url, body }) => ({ method, url, body }))).toEqual([{ method: "PUT", url: path, body }]);
    },
  );
});

describe("ids never reach a URL unchecked", () => {
  test.each(["..", "../zones", "a/b", "a&b=c", "%2e%2e", "", "0".repeat(31), "A".repeat(32)])(
    "the client refuses the mTLS certificate id %j before sending anything",
    async (id) => {
      await withScriptedApi(
        (_request, response) => sendEnvelope(response, 200, { result: { hostnames: [] } }),
        async (api) => {
          const client = hostnameClientFor(api);
          for (const call of [() => client.getHostnames(zoneId, id), () => client.replaceHostnames(zoneId, [], id)]) {
            const error = await rejection(call());
            expect(error).toBeInstanceOf(TypeError);
            expect(error.message).toMatch(/the mTLS certificate id must .*; nothing was sent to Cloudflare$/);
          }
          const zoneError = await rejection(client.getHostnames("../..", undefined));
          expect(zoneError.message).toMatch(/the zone id must .*; nothing was sent to Cloudflare$/);
          expect(api.requests).toEqual([]);
        },
      );
    },
  );
});
