import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { startEmulator, type Emulator } from "../emulator";
import { HostnameAssociationProvider } from "../provider/hostname-association-provider";
import { type HostnameAssociationInputs, type HostnameAssociationOutputs } from "../provider/hostname-association-inputs";
import { stackConfig, withEnvironment } from "./helpers/environment";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const byoCa = "7a1b6c7d-1b2c-4d5e-8f90-a1b2c3d4e5f6";
const path = `/client/v4/zones/${zoneId}/certificate_authorities/hostname_associations`;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator({ mtlsCertificates: [byoCa] });
});
afterEach(async () => {
  await emulator.close();
});

function provider(): HostnameAssociationProvider {
  return new HostnameAssociationProvider({
    client: { connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl }, sleep: async () => undefined },
    sync: { sleep: async () => undefined },
  });
}

/** `METHOD path?query body` of every request since the last clear. */
const wire = () =>
  emulator.requests().map((request) => {
    const query = new URLSearchParams(request.query).toString();
    return `${request.method} ${request.path.replace(path, "<associations>")}${query === "" ? "" : `?${query}`}${request.body === null ? "" : ` ${JSON.stringify(request.body)}`}`;
  });

async function created(news: HostnameAssociationInputs): Promise<{ id: string; outs: HostnameAssociationOutputs }> {
  const { id, outs } = await provider().create(news);
  if (outs === undefined) throw new Error("create returned no outputs");
  return { id, outs };
}

const inputs = (hostnames: string[], extra: Partial<HostnameAssociationInputs> = {}): HostnameAssociationInputs => ({
  zoneId,
  hostnames,
  exclusive: false,
  ...extra,
});

describe("HostnameAssociationProvider.check", () => {
  test.each([
    {
      name: "sorts, lower-cases, de-duplicates and drops a trailing dot",
      hostnames: ["B.example.com", "a.example.com.", "b.example.com"],
      want: ["a.example.com", "b.example.com"],
    },
    { name: "accepts an empty set", hostnames: [], want: [] },
    { name: "accepts punycode labels", hostnames: ["xn--bcher-kva.example.com"], want: ["xn--bcher-kva.example.com"] },
  ])("$name", async ({ hostnames, want }) => {
    const result = await provider().check({}, { zoneId, hostnames });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({
      zoneId,
      hostnames: want,
      exclusive: false,
      hostnameSet: Object.fromEntries(want.map((hostname) => [hostname, true])),
    });
  });

  test.each([
    {
      name: "a bare label",
      news: { zoneId, hostnames: ["api"] },
      property: "hostnames",
      reason: /hostnames\[0\] "api" is not fully qualified: add the zone name/,
    },
    { name: "a wildcard", news: { zoneId, hostnames: ["*.example.com"] }, property: "hostnames", reason: /is a wildcard/ },
    { name: "an IP address", news: { zoneId, hostnames: ["192.0.2.1"] }, property: "hostnames", reason: /is an IP address/ },
    { name: "a quote", news: { zoneId, hostnames: ['a".example.com'] }, property: "hostnames", reason: /has the label "a\\""/ },
    { name: "a space", news: { zoneId, hostnames: ["a b.example.com"] }, property: "hostnames", reason: /contains spaces/ },
    { name: "a non-string", news: { zoneId, hostnames: [7] }, property: "hostnames", reason: /hostnames\[0\] must be a string, got 7/ },
    { name: "a string instead of a list", news: { zoneId, hostnames: "a.example.com" }, property: "hostnames", reason: /must be an array/ },
    { name: "no hostnames", news: { zoneId }, property: "hostnames", reason: /hostnames is required/ },
    {
      name: "too many hostnames",
      news: { zoneId, hostnames: Array.from({ length: 1001 }, (_, index) => `h${index}.example.com`) },
      property: "hostnames",
      reason: /at most 1000/,
    },
    { name: "no zone", news: { hostnames: [] }, property: "zoneId", reason: /zoneId is required/ },
    {
      name: "a path-hostile CA id",
      news: { zoneId, hostnames: [], mtlsCertificateId: "../zones" },
      property: "mtlsCertificateId",
      reason: /must be the id of an uploaded mTLS certificate/,
    },
    {
      name: "an upper-case CA id",
      news: { zoneId, hostnames: [], mtlsCertificateId: byoCa.toUpperCase() },
      property: "mtlsCertificateId",
      reason: /must be lower case/,
    },
    {
      name: "a non-boolean exclusive",
      news: { zoneId, hostnames: [], exclusive: "yes" },
      property: "exclusive",
      reason: /exclusive must be true or false, got "yes"/,
    },
  ])("refuses $name", async ({ news, property, reason }) => {
    const { failures } = await provider().check({}, news);
    expect(failures).toHaveLength(1);
    expect(failures?.[0]?.property).toBe(property);
    expect(failures?.[0]?.reason).toMatch(reason);
  });

  test("passes unknown values through during preview", async () => {
    expect((await provider().check({}, { zoneId: UNKNOWN, hostnames: UNKNOWN })).failures).toEqual([]);
    const unknownCaAndExclusive = { zoneId, hostnames: [], mtlsCertificateId: UNKNOWN, exclusive: UNKNOWN };
    expect(await provider().check({}, unknownCaAndExclusive)).toEqual({
      inputs: { ...unknownCaAndExclusive, hostnameSet: {} },
      failures: [],
    });
    const partly = await provider().check({}, { zoneId, hostnames: ["b.example.com", UNKNOWN] });
    expect(partly).toEqual({ inputs: { zoneId, hostnames: ["b.example.com", UNKNOWN], exclusive: false }, failures: [] });
  });
});

describe("HostnameAssociationProvider.check at its bounds", () => {
  test("inputs that are not an object count as none: every required property is named", async () => {
    const result = await provider().check({}, ["a.example.com"] as never);
    expect(result.inputs).toEqual({ exclusive: false });
    expect((result.failures ?? []).map((failure) => failure.property)).toEqual(["zoneId", "hostnames"]);
  });

  test.each([null, "a.example.com", 7])("inputs of %j as a whole count as none", async (given) => {
    const result = await provider().check({}, given as never);
    expect(result.inputs).toEqual({ exclusive: false });
    expect((result.failures ?? []).map((failure) => failure.property)).toEqual(["zoneId", "hostnames"]);
  });

  test("one bad hostname is described exactly, with no count of others", async () => {
    const result = await provider().check({}, { zoneId, hostnames: ["a.example.com", 7] } as never);
    expect(result.failures).toEqual([{ property: "hostnames", reason: "hostnames[1] must be a string, got 7" }]);
  });

  test("exactly 1000 hostnames are accepted", async () => {
    const hostnames = Array.from({ length: 1000 }, (_, index) => `h${index}.example.com`);
    const result = await provider().check({}, { zoneId, hostnames });
    expect(result.failures).toEqual([]);
    expect(result.inputs?.hostnames).toHaveLength(1000);
  });

  test("exactly five bad hostnames are all described, with no count of others", async () => {
    const result = await provider().check({}, { zoneId, hostnames: [1, 2, 3, 4, 5] } as never);
    expect(result.failures?.[0]?.reason).toBe(
      "hostnames[0] must be a string, got 1; hostnames[1] must be a string, got 2; hostnames[2] must be a string, got 3; " +
        "hostnames[3] must be a string, got 4; hostnames[4] must be a string, got 5",
    );
  });

  test("a well-formed BYO CA id and an explicit exclusive are accepted as given", async () => {
    for (const exclusive of [true, false]) {
      const news = { zoneId, hostnames: ["a.example.com"], mtlsCertificateId: byoCa, exclusive };
      expect(await provider().check({}, news)).toEqual({ inputs: { ...news, hostnameSet: { "a.example.com": true } }, failures: [] });
    }
  });

  test("seven bad hostnames: the first five are described, then a count of the rest", async () => {
    const result = await provider().check({}, { zoneId, hostnames: [1, 2, 3, 4, 5, 6, 7] } as never);
    expect(result.failures).toEqual([
      {
        property: "hostnames",
        reason:
          "hostnames[0] must be a string, got 1; hostnames[1] must be a string, got 2; hostnames[2] must be a string, got 3; " +
          "hostnames[3] must be a string, got 4; hostnames[4] must be a string, got 5; and 2 more",
      },
    ]);
  });
});

describe("HostnameAssociationProvider.diff", () => {
  const olds: HostnameAssociationOutputs = {
    zoneId,
    exclusive: false,
    hostnames: ["a.example.com"],
    missingHostnames: [],
    unexpectedHostnames: [],
    associatedHostnames: ["a.example.com", "other.example.com"],
    hostnameSet: { "a.example.com": true },
  };
  test.each([
    { name: "the same hostnames: no change", news: inputs(["a.example.com"]), want: { changes: false, replaces: [] } },
    { name: "another hostname: update in place", news: inputs(["a.example.com", "b.example.com"]), want: { changes: true, replaces: [] } },
    {
      name: "another zone: replacement",
      news: { ...inputs(["a.example.com"]), zoneId: "0".repeat(32) },
      want: { changes: true, replaces: ["zoneId"] },
    },
    {
      name: "another CA: replacement",
      news: inputs(["a.example.com"], { mtlsCertificateId: byoCa }),
      want: { changes: true, replaces: ["mtlsCertificateId"] },
    },
    {
      name: "exclusive switched on: update in place",
      news: inputs(["a.example.com"], { exclusive: true }),
      want: { changes: true, replaces: [] },
    },
    { name: "unknown hostnames: update", news: { ...inputs([]), hostnames: UNKNOWN }, want: { changes: true, replaces: [] } },
    {
      name: "an unknown zone: replacement",
      news: { ...inputs(["a.example.com"]), zoneId: UNKNOWN },
      want: { changes: true, replaces: ["zoneId"] },
    },
    {
      name: "an unknown CA: replacement",
      news: { ...inputs(["a.example.com"]), mtlsCertificateId: UNKNOWN },
      want: { changes: true, replaces: ["mtlsCertificateId"] },
    },
    {
      name: "an unknown exclusive: update",
      news: { ...inputs(["a.example.com"]), exclusive: UNKNOWN },
      want: { changes: true, replaces: [] },
    },
    {
      name: "hostnames holding a value that is not a string: update, not a crash",
      news: { ...inputs([]), hostnames: ["a.example.com", 7] },
      want: { changes: true, replaces: [] },
    },
    {
      name: "others' hostnames recorded while not exclusive: no change, they are not ours to remove",
      news: inputs(["a.example.com"]),
      olds: { ...olds, unexpectedHostnames: ["other.example.com"] },
      want: { changes: false, replaces: [] },
    },
    {
      name: "a hostname dropped from the program while refresh found it missing: an update, since the state still lists it as missing",
      news: inputs(["a.example.com"]),
      olds: { ...olds, missingHostnames: ["b.example.com"] },
      want: { changes: true, replaces: [] },
    },
    {
      name: "state without hostnames: update",
      news: inputs(["a.example.com"]),
      olds: { ...olds, hostnames: undefined },
      want: { changes: true, replaces: [] },
    },
    {
      name: "the same BYO CA: no change",
      news: inputs(["a.example.com"], { mtlsCertificateId: byoCa }),
      olds: { ...olds, mtlsCertificateId: byoCa },
      want: { changes: false, replaces: [] },
    },
    {
      name: "recorded hostnames of which one is not a string (a damaged state): update, not a crash",
      news: inputs(["a.example.com"]),
      olds: { ...olds, hostnames: ["a.example.com", null] },
      want: { changes: true, replaces: [] },
    },
    {
      name: "recorded hostnames that are not strings (a damaged state): update, not a crash",
      news: inputs(["a.example.com"]),
      olds: { ...olds, hostnames: [null] },
      want: { changes: true, replaces: [] },
    },
  ] as { name: string; news: unknown; olds?: unknown; want: unknown }[])("$name", async ({ news, olds: recorded, want }) => {
    expect(await provider().diff("id", (recorded ?? olds) as never, news as never)).toEqual({
      ...(want as object),
      deleteBeforeReplace: false,
    });
  });

  test("drift recorded by refresh is a change: own hostnames missing, or others' with exclusive", async () => {
    const drifted = { ...olds, hostnames: [], missingHostnames: ["a.example.com"] };
    expect((await provider().diff("id", drifted, inputs(["a.example.com"]))).changes).toBe(true);
    const crowded = { ...olds, exclusive: true, unexpectedHostnames: ["other.example.com"] };
    expect((await provider().diff("id", crowded, inputs(["a.example.com"], { exclusive: true }))).changes).toBe(true);
    expect(
      (await provider().diff("id", { ...crowded, unexpectedHostnames: [] }, inputs(["a.example.com"], { exclusive: true }))).changes,
    ).toBe(false);
  });
});

describe("HostnameAssociationProvider against the emulator", () => {
  test("create reads, adds its hostnames to the others', writes once and reads back", async () => {
    emulator.setHostnameAssociationsOutOfBand(zoneId, ["dashboard.example.com"]);
    const { id, outs } = await created(inputs(["a.example.com", "b.example.com"]));
    expect(wire()).toEqual([
      "GET <associations>",
      'PUT <associations> {"hostnames":["dashboard.example.com","a.example.com","b.example.com"]}',
      "GET <associations>",
    ]);
    expect(id).toMatch(new RegExp(`^${zoneId}/managed-ca/[0-9a-f]{12}$`));
    expect(outs).toEqual({
      zoneId,
      exclusive: false,
      hostnames: ["a.example.com", "b.example.com"],
      missingHostnames: [],
      unexpectedHostnames: [],
      associatedHostnames: ["a.example.com", "b.example.com", "dashboard.example.com"],
      hostnameSet: { "a.example.com": true, "b.example.com": true },
    });
    expect(() => Struct.fromJavaScript(outs as never)).not.toThrow();
  });

  test("configure: cloudflare:apiToken and cloudflare:baseUrl from stack config win over the environment", async () => {
    await withEnvironment({ CLOUDFLARE_API_TOKEN: "env-token-that-would-be-rejected" }, async () => {
      const configured = new HostnameAssociationProvider({ sync: { sleep: async () => undefined } });
      await configured.configure(stackConfig({ "cloudflare:apiToken": emulator.token, "cloudflare:baseUrl": emulator.baseUrl }));
      await configured.create(inputs(["a.example.com"]));
      expect(emulator.requests().map((request) => request.credential)).toEqual(["token", "token", "token"]);
      expect(emulator.hostnameAssociations(zoneId)).toEqual(["a.example.com"]);
    });
  });

  test("create sends no write when the hostnames are already associated", async () => {
    emulator.setHostnameAssociationsOutOfBand(zoneId, ["A.example.com"]);
    await provider().create(inputs(["a.example.com"]));
    expect(wire()).toEqual(["GET <associations>"]);
  });

  test("a BYO CA travels as mtls_certificate_id in the query of reads and the body of writes", async () => {
    await provider().create(inputs(["byo.example.com"], { mtlsCertificateId: byoCa }));
    expect(wire()).toEqual([
      `GET <associations>?mtls_certificate_id=${byoCa}`,
      `PUT <associations> {"hostnames":["byo.example.com"],"mtls_certificate_id":"${byoCa}"}`,
      `GET <associations>?mtls_certificate_id=${byoCa}`,
    ]);
    expect(emulator.hostnameAssociations(zoneId)).toEqual([]);
  });

  test("update adds new hostnames and removes dropped ones, never anyone else's", async () => {
    const { id, outs } = await created(inputs(["a.example.com", "b.example.com"]));
    emulator.setHostnameAssociationsOutOfBand(zoneId, [...emulator.hostnameAssociations(zoneId), "dashboard.example.com"]);
    emulator.clearRequests();
    const updated = await provider().update(id, outs, inputs(["b.example.com", "c.example.com"]));
    expect(wire()).toEqual([
      "GET <associations>",
      'PUT <associations> {"hostnames":["b.example.com","dashboard.example.com","c.example.com"]}',
      "GET <associations>",
    ]);
    expect(updated.outs?.hostnames).toEqual(["b.example.com", "c.example.com"]);
  });

  test("refresh records hostnames removed out of band, and the next update restores them", async () => {
    const { id, outs } = await created(inputs(["a.example.com", "b.example.com"]));
    emulator.setHostnameAssociationsOutOfBand(zoneId, ["b.example.com", "dashboard.example.com"]);
    const read = await provider().read(id, outs);
    expect(read.props).toMatchObject({
      hostnames: ["b.example.com"],
      missingHostnames: ["a.example.com"],
      associatedHostnames: ["b.example.com", "dashboard.example.com"],
    });
    expect(read.inputs).toEqual({
      ...inputs(["a.example.com", "b.example.com"]),
      hostnameSet: { "a.example.com": true, "b.example.com": true },
    });
    expect(read.props?.hostnameSet).toEqual({ "b.example.com": true });
    const news = inputs(["a.example.com", "b.example.com"]);
    expect((await provider().diff(id, read.props as HostnameAssociationOutputs, news)).changes).toBe(true);
    const healed = await provider().update(id, read.props as HostnameAssociationOutputs, news);
    expect(healed.outs).toMatchObject({ hostnames: ["a.example.com", "b.example.com"], missingHostnames: [] });
    expect(emulator.hostnameAssociations(zoneId)).toEqual(["b.example.com", "dashboard.example.com", "a.example.com"]);
  });

  test("delete removes only its own hostnames", async () => {
    const { id, outs } = await created(inputs(["a.example.com"]));
    emulator.setHostnameAssociationsOutOfBand(zoneId, ["a.example.com", "dashboard.example.com"]);
    emulator.clearRequests();
    await provider().delete(id, outs);
    expect(wire()).toEqual(["GET <associations>", 'PUT <associations> {"hostnames":["dashboard.example.com"]}', "GET <associations>"]);
  });

  test("exclusive owns the whole list: create removes others, refresh shows newcomers, delete empties it", async () => {
    emulator.setHostnameAssociationsOutOfBand(zoneId, ["dashboard.example.com"]);
    const { id, outs } = await created(inputs(["a.example.com"], { exclusive: true }));
    expect(emulator.hostnameAssociations(zoneId)).toEqual(["a.example.com"]);
    emulator.setHostnameAssociationsOutOfBand(zoneId, ["a.example.com", "intruder.example.com"]);
    const read = await provider().read(id, outs);
    expect(read.props).toMatchObject({ unexpectedHostnames: ["intruder.example.com"], missingHostnames: [] });
    await provider().update(id, read.props as HostnameAssociationOutputs, inputs(["a.example.com"], { exclusive: true }));
    expect(emulator.hostnameAssociations(zoneId)).toEqual(["a.example.com"]);
    emulator.setHostnameAssociationsOutOfBand(zoneId, ["a.example.com", "late.example.com"]);
    await provider().delete(id, outs);
    expect(emulator.hostnameAssociations(zoneId)).toEqual([]);
  });

  test("resources of one provider process writing one list at once never lose each other's hostnames", async () => {
    const shared = provider();
    const names = Array.from({ length: 8 }, (_, index) => `r${index}.example.com`);
    await Promise.all(names.map((name) => shared.create(inputs([name]))));
    expect([...emulator.hostnameAssociations(zoneId)].sort()).toEqual(names);
    // Serialised: each read-modify-write completes before the next starts, one write each.
    expect(wire().filter((line) => line.startsWith("PUT"))).toHaveLength(8);
    expect(
      wire()
        .slice(0, 6)
        .map((line) => line.split(" ")[0]),
    ).toEqual(["GET", "PUT", "GET", "GET", "PUT", "GET"]);
  });

  test.each([
    { order: "the taker first", takerFirst: true },
    { order: "the giver first", takerFirst: false },
  ])("a hostname moved between two resources in one deployment stays associated, $order", async ({ takerFirst }) => {
    const shared = provider();
    const giver = await shared.create(inputs(["moved.example.com", "a.example.com"]));
    const taker = await shared.create(inputs(["b.example.com"]));
    const give = () => shared.update(giver.id, giver.outs ?? {}, inputs(["a.example.com"]));
    const take = () => shared.update(taker.id, taker.outs ?? {}, inputs(["b.example.com", "moved.example.com"]));
    if (takerFirst) {
      await take();
      await give();
    } else {
      await give();
      await take();
    }
    expect([...emulator.hostnameAssociations(zoneId)].sort()).toEqual(["a.example.com", "b.example.com", "moved.example.com"]);
  });

  test("deleting a resource keeps a hostname another resource of the deployment has taken over", async () => {
    const shared = provider();
    const old = await shared.create(inputs(["moved.example.com"]));
    await shared.create(inputs(["moved.example.com", "b.example.com"]));
    await shared.delete(old.id, old.outs ?? {});
    expect([...emulator.hostnameAssociations(zoneId)].sort()).toEqual(["b.example.com", "moved.example.com"]);
  });

  test("two provider processes racing on one list converge through the read-back", async () => {
    // Separate provider objects do not share the lock, as two deployments do not.
    const names = Array.from({ length: 6 }, (_, index) => `s${index}.example.com`);
    emulator.injectFault({ route: "get-hostnames", kind: "latency", delayMs: 20, times: Infinity });
    const deployment = () =>
      new HostnameAssociationProvider({
        client: { connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } },
        sync: { baseDelayMs: 20, maxWrites: 10 },
      });
    await Promise.all(names.map((name) => deployment().create(inputs([name]))));
    expect([...emulator.hostnameAssociations(zoneId)].sort()).toEqual(names);
    // They did collide: some writes were lost and repeated.
    expect(wire().filter((line) => line.startsWith("PUT")).length).toBeGreaterThan(names.length);
  });

  test("a zone the API does not know is an error, not an empty list", async () => {
    await emulator.close();
    emulator = await startEmulator({ zones: ["0".repeat(32)] });
    await expect(provider().create(inputs(["a.example.com"]))).rejects.toThrow(
      /reading the hostnames associated with the managed CA in zone 023e.*Cloudflare error 7003/,
    );
  });

  test("read of a zone the API does not know is an error (7003 is not 404), not a deleted resource", async () => {
    const { id, outs } = await created(inputs(["a.example.com"]));
    await emulator.close();
    emulator = await startEmulator({ zones: ["0".repeat(32)] });
    await expect(provider().read(id, outs)).rejects.toThrow(
      /reading the hostnames associated with the managed CA in zone 023e.*Cloudflare error 7003/,
    );
  });
});
