import { AuthenticationError } from "../provider/errors";
import { HostnameAssociationsClient } from "../provider/hostname-associations-client";
import { type HostnameAssociationInputs } from "../provider/hostname-association-inputs";
import { rejection } from "./helpers/rejection";
import { hostnameClientFor, hostnameProviderFor, storedHostnameList } from "./helpers/hostname-associations";
import { sendEnvelope, withScriptedApi } from "./helpers/scripted-api";

// What a HostnameAssociation records and reads back: state from older versions and damaged state,
// a CA or zone that is gone, partial creates, retries and the claims a deployment keeps. Raw servers.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const byoCa = "7a1b6c7d-1b2c-4d5e-8f90-a1b2c3d4e5f6";
const path = `/client/v4/zones/${zoneId}/certificate_authorities/hostname_associations`;

/** Answers every read with `hostnames`, and every write with what was written. */
const answering = (hostnames: string[]) => (request: { method: string; body: unknown }, response: Parameters<typeof sendEnvelope>[0]) =>
  sendEnvelope(response, 200, {
    result: { hostnames: request.method === "PUT" ? (request.body as { hostnames: string[] }).hostnames : hostnames },
  });

describe("read", () => {
  test("state from older versions (no exclusive, no missingHostnames) reads as not exclusive; names match in any spelling", async () => {
    await withScriptedApi(answering(["A.EXAMPLE.com.", "other.example.com"]), async (api) => {
      const result = await hostnameProviderFor(api).read("id", { zoneId, hostnames: ["b.example.com", "a.example.com"] } as never);
      expect(result.inputs).toEqual({
        zoneId,
        hostnames: ["a.example.com", "b.example.com"],
        hostnameSet: { "a.example.com": true, "b.example.com": true },
        exclusive: false,
      });
      expect(result.props).toMatchObject({
        hostnames: ["a.example.com"],
        missingHostnames: ["b.example.com"],
        unexpectedHostnames: [],
        associatedHostnames: ["a.example.com", "other.example.com"],
      });
      expect(api.lines()).toEqual([`GET ${path}`]);
    });
  });

  test("an exclusive association of a BYO CA reads that CA's list and lists the others' hostnames sorted", async () => {
    await withScriptedApi(answering(["z.example.com", "a.example.com", "b.example.com"]), async (api) => {
      const recorded = { zoneId, mtlsCertificateId: byoCa, exclusive: true, hostnames: ["a.example.com"], missingHostnames: [] };
      const result = await hostnameProviderFor(api).read("id", recorded as never);
      expect(result.inputs).toEqual({
        zoneId,
        mtlsCertificateId: byoCa,
        exclusive: true,
        hostnames: ["a.example.com"],
        hostnameSet: { "a.example.com": true },
      });
      expect(result.props).toMatchObject({ mtlsCertificateId: byoCa, unexpectedHostnames: ["b.example.com", "z.example.com"] });
      expect(api.lines()).toEqual([`GET ${path}?mtls_certificate_id=${byoCa}`]);
    });
  });

  test.each([
    { name: "a zone id that is not one", recorded: { zoneId: "../zones", hostnames: ["a.example.com"] } },
    { name: "a hostname that is not a string", recorded: { zoneId, hostnames: ["a.example.com", 7] } },
    { name: "a missing hostname that is not a string", recorded: { zoneId, hostnames: [], missingHostnames: [7] } },
  ])("damaged state ($name) is refused by read and delete before any request", async ({ recorded }) => {
    await withScriptedApi(answering([]), async (api) => {
      expect((await rejection(hostnameProviderFor(api).read("id", recorded as never))).message).toBe(
        "reading hostname association id: its recorded state lacks zoneId or hostnames; HostnameAssociation cannot be read from an id alone",
      );
      expect((await rejection(hostnameProviderFor(api).delete("id", recorded as never))).message).toBe(
        "deleting a hostname association whose recorded state lacks zoneId or hostnames; nothing was changed",
      );
      expect(api.requests).toEqual([]);
    });
  });
});

describe("a list that is gone (HTTP 404 without an error code)", () => {
  const recorded = { zoneId, hostnames: ["a.example.com"], missingHostnames: [], exclusive: false };
  const gone = (_request: unknown, response: Parameters<typeof sendEnvelope>[0]) =>
    sendEnvelope(response, 404, { success: false, errors: [], result: null });

  test("read reports the resource as gone", async () => {
    await withScriptedApi(gone, async (api) => {
      expect(await hostnameProviderFor(api).read("id", recorded as never)).toEqual({});
      expect(api.lines()).toEqual([`GET ${path}`]);
    });
  });

  test("delete succeeds without writing", async () => {
    await withScriptedApi(gone, async (api) => {
      await hostnameProviderFor(api).delete("id", recorded as never);
      expect(api.lines()).toEqual([`GET ${path}`]);
    });
  });
});

test("a create that could not be confirmed keeps __provider in the partial state and gives the engine its reason", async () => {
  await withScriptedApi(answering(["other.example.com"]), async (api) => {
    const inputs = { zoneId, mtlsCertificateId: byoCa, hostnames: ["a.example.com"], exclusive: false, __provider: "serialized provider" };
    // Every read-back shows the list without our hostname: another writer always wins.
    const error = await rejection(hostnameProviderFor(api).create(inputs as HostnameAssociationInputs));
    const recorded = error as Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] };
    expect(recorded.id).toMatch(new RegExp(`^${zoneId}/${byoCa}/[0-9a-f]{12}$`));
    expect(recorded.properties?.["__provider"]).toBe("serialized provider");
    expect(recorded.reasons).toEqual([error.message.replace(/^hostname association \S+ was recorded in state, but: /, "")]);
    expect(recorded.reasons?.[0]).toMatch(/^updating the hostnames associated with mTLS certificate/);
  });
});

test("a create that fails for another reason fails with that error as it is: nothing is recorded", async () => {
  await withScriptedApi(
    (_request, response) =>
      sendEnvelope(response, 403, { success: false, errors: [{ code: 10000, message: "Authentication error" }], result: null }),
    async (api) => {
      const error = await rejection(hostnameProviderFor(api).create({ zoneId, hostnames: ["a.example.com"], exclusive: false }));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).not.toHaveProperty("id");
      expect(api.lines()).toEqual([`GET ${path}`]);
    },
  );
});

test("a create's id names the zone and the BYO CA, then 12 random hex digits", async () => {
  const list = storedHostnameList();
  await withScriptedApi(list.script, async (api) => {
    const first = await hostnameProviderFor(api).create({
      zoneId,
      mtlsCertificateId: byoCa,
      hostnames: ["a.example.com"],
      exclusive: false,
    });
    const second = await hostnameProviderFor(api).create({
      zoneId,
      mtlsCertificateId: byoCa,
      hostnames: ["a.example.com"],
      exclusive: false,
    });
    expect(first.id).toMatch(new RegExp(`^${zoneId}/${byoCa}/[0-9a-f]{12}$`));
    expect(second.id).not.toBe(first.id);
  });
});

test("a deleted resource leaves no claim behind in its provider process", async () => {
  const list = storedHostnameList();
  await withScriptedApi(list.script, async (api) => {
    const provider = hostnameProviderFor(api);
    const { id, outs } = await provider.create({ zoneId, hostnames: ["a.example.com"], exclusive: false });
    expect(provider.locks.claims[`${zoneId}/managed`]).toEqual({ [id]: ["a.example.com"] });
    await provider.delete(id, outs as never);
    expect(provider.locks.claims[`${zoneId}/managed`]).toEqual({});
    expect(list.stored()).toEqual([]);
  });
});

test("reads and writes of the list are retried after a gateway's HTML 502: both are idempotent", async () => {
  await withScriptedApi(
    (_request, response, index) => {
      if (index % 2 === 0) {
        response.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>");
        return;
      }
      sendEnvelope(response, 200, { result: { hostnames: ["a.example.com"] } });
    },
    async (api) => {
      const client = new HostnameAssociationsClient({
        connection: { credentials: { apiToken: "t" }, baseUrl: api.baseUrl },
        retry: { maxRetries: 1 },
        sleep: async () => undefined,
      });
      expect(await client.getHostnames(zoneId)).toEqual(["a.example.com"]);
      expect(await client.replaceHostnames(zoneId, ["a.example.com"])).toEqual(["a.example.com"]);
      expect(api.lines()).toEqual([`GET ${path}`, `GET ${path}`, `PUT ${path}`, `PUT ${path}`]);
    },
  );
});

describe("the client's bounds on an answer", () => {
  const reading = async (result: unknown) =>
    withScriptedApi(
      (_request, response) => sendEnvelope(response, 200, { result }),
      async (api) => hostnameClientFor(api).getHostnames(zoneId),
    );

  test("exactly 10,000 hostnames, and an entry of exactly 1024 characters, are read", async () => {
    expect(await reading({ hostnames: Array.from({ length: 10_000 }, (_, index) => `h${index}.example.com`) })).toHaveLength(10_000);
    expect(await reading({ hostnames: ["a".repeat(1024)] })).toEqual(["a".repeat(1024)]);
  });

  test.each([
    {
      name: "an entry of 1025 characters",
      hostnames: ["a".repeat(1025)],
      want: "expected hostnames[0] to be a hostname, got a string of 1025 characters",
    },
    {
      name: "an empty entry",
      hostnames: ["a.example.com", ""],
      want: "expected hostnames[1] to be a hostname, got a string of 0 characters",
    },
  ])("$name is refused", async ({ hostnames, want }) => {
    expect((await rejection(reading({ hostnames }))).message).toContain(want);
  });

  test("a hostnames field that is null or absent reads as an empty list", async () => {
    expect(await reading({ hostnames: null })).toEqual([]);
    expect(await reading({})).toEqual([]);
  });
});
