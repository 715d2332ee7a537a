import {
  applyAssociationChange,
  associationKey,
  ConcurrentModificationError,
  newAssociationLocks,
  nextList,
  recordClaim,
  satisfies,
  unclaimed,
  withAssociationLock,
  type AssociationChange,
} from "../provider/hostname-association-sync";
import { rejection } from "./helpers/rejection";
import { hostnameClientFor, storedHostnameList } from "./helpers/hostname-associations";
import { sendEnvelope, withScriptedApi } from "./helpers/scripted-api";

// The read-modify-write cycle of a CA's hostname list, against a raw server that plays the other writers.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const byoCa = "7a1b6c7d-1b2c-4d5e-8f90-a1b2c3d4e5f6";
const path = `/client/v4/zones/${zoneId}/certificate_authorities/hostname_associations`;

const change = (extra: Partial<AssociationChange>): AssociationChange => ({ zoneId, present: [], absent: [], exclusive: false, ...extra });

describe("nextList", () => {
  test("keeps others' entries exactly as written, drops absent ones by canonical name, appends the missing ones sorted", () => {
    const current = ["Other.Example.com", "B.example.com.", "x.example.com"];
    expect(nextList(current, change({ present: ["z.example.com", "c.example.com"], absent: ["b.example.com"] }))).toEqual([
      "Other.Example.com",
      "x.example.com",
      "c.example.com",
      "z.example.com",
    ]);
  });

  test("does not add a hostname the list holds in another spelling, and writes a repeated entry once", () => {
    expect(nextList(["A.Example.com.", "x.example.com", "x.example.com"], change({ present: ["a.example.com"] }))).toEqual([
      "A.Example.com.",
      "x.example.com",
    ]);
  });

  test("exclusive keeps only the hostnames present, whatever absent says", () => {
    expect(
      nextList(["a.example.com", "other.example.com"], change({ present: ["a.example.com", "b.example.com"], exclusive: true })),
    ).toEqual(["a.example.com", "b.example.com"]);
  });
});

describe("satisfies", () => {
  test("compares by canonical name", () => {
    expect(satisfies(["A.Example.com."], change({ present: ["a.example.com"] }))).toBe(true);
    expect(satisfies(["B.Example.com."], change({ absent: ["b.example.com"] }))).toBe(false);
  });

  test("exclusive is satisfied by exactly the hostnames present, in any spelling", () => {
    const exclusive = change({ present: ["a.example.com"], exclusive: true });
    expect(satisfies(["a.example.com", "A.EXAMPLE.COM."], exclusive)).toBe(true);
    expect(satisfies(["a.example.com", "other.example.com"], exclusive)).toBe(false);
  });

  test("without exclusive, others' hostnames do not matter and an absent one does", () => {
    expect(satisfies(["a.example.com", "other.example.com"], change({ present: ["a.example.com"] }))).toBe(true);
    expect(satisfies(["a.example.com", "b.example.com"], change({ present: ["a.example.com"], absent: ["b.example.com"] }))).toBe(false);
  });
});

describe("applyAssociationChange", () => {
  afterEach(() => jest.restoreAllMocks());

  test("waits 250 ms after the first lost write, doubling each time, and the jitter spreads each wait from half to one and a half times", async () => {
    const random = jest.spyOn(Math, "random");
    const waits: number[] = [];
    const list = storedHostnameList([], () => ["intruder.example.com"]);
    await withScriptedApi(list.script, async (api) => {
      random.mockReturnValue(0.5);
      await rejection(
        applyAssociationChange(hostnameClientFor(api), change({ present: ["a.example.com"] }), {
          sleep: async (ms) => void waits.push(ms),
        }),
      );
      random.mockReturnValueOnce(0).mockReturnValueOnce(0.999);
      await rejection(
        applyAssociationChange(hostnameClientFor(api), change({ present: ["a.example.com"] }), {
          maxWrites: 3,
          baseDelayMs: 100,
          sleep: async (ms) => void waits.push(ms),
        }),
      );
    });
    expect(waits).toEqual([250, 500, 1000, 2000, 50, 300]);
  });

  test("a list the other writer completed meanwhile is not written again", async () => {
    // Our write is lost; by the time we read again, the other writer has written ours too.
    let reads = 0;
    await withScriptedApi(
      (request, response) => {
        if (request.method === "GET") reads++;
        sendEnvelope(response, 200, {
          result: { hostnames: reads >= 3 ? ["intruder.example.com", "a.example.com"] : ["intruder.example.com"] },
        });
      },
      async (api) => {
        const result = await applyAssociationChange(hostnameClientFor(api), change({ present: ["a.example.com"] }), {
          sleep: async () => undefined,
        });
        expect(api.lines()).toEqual([`GET ${path}`, `PUT ${path}`, `GET ${path}`, `GET ${path}`]);
        expect(result).toEqual({ hostnames: ["intruder.example.com", "a.example.com"], writes: 1 });
      },
    );
  });

  test("the error names a BYO CA, lists at most five hostnames per side, and says what is missing and what is left over", async () => {
    const present = ["a1", "a2", "a3", "a4", "a5", "a6"].map((label) => `${label}.example.com`);
    const list = storedHostnameList([], () => ["other.example.com"]);
    await withScriptedApi(list.script, async (api) => {
      const error = await rejection(
        applyAssociationChange(hostnameClientFor(api), change({ mtlsCertificateId: byoCa, present, exclusive: true }), {
          maxWrites: 1,
          sleep: async () => undefined,
        }),
      );
      expect(error).toBeInstanceOf(ConcurrentModificationError);
      expect(error.message).toBe(
        `updating the hostnames associated with mTLS certificate ${byoCa} in zone ${zoneId}: the change was written 1 times and each time another writer changed the list before it could be confirmed ` +
          "(last read lacks a1.example.com, a2.example.com, a3.example.com, a4.example.com, a5.example.com and 1 more; last read still has other.example.com); " +
          "another deployment, the dashboard or a script is editing it at the same time: run `pulumi up` again once it has finished",
      );
      expect((error as ConcurrentModificationError).lastRead).toEqual(["other.example.com"]);
    });
  });

  test("the shortfall lists only what is missing and only what is left over", async () => {
    await withScriptedApi(storedHostnameList([], () => ["a.example.com", "other.example.com"]).script, async (api) => {
      const exclusive = change({ present: ["a.example.com", "b.example.com"], exclusive: true });
      const both = await rejection(
        applyAssociationChange(hostnameClientFor(api), exclusive, { maxWrites: 1, sleep: async () => undefined }),
      );
      expect(both.message).toContain("(last read lacks b.example.com; last read still has other.example.com); another");
    });
    await withScriptedApi(storedHostnameList([], () => ["a.example.com", "x.example.com"]).script, async (api) => {
      const onlyExtra = change({ present: ["a.example.com"], absent: ["x.example.com", "y.example.com"] });
      const extra = await rejection(
        applyAssociationChange(hostnameClientFor(api), onlyExtra, { maxWrites: 1, sleep: async () => undefined }),
      );
      expect(extra.message).toContain("before it could be confirmed (last read still has x.example.com); another");
    });
  });

  test("five missing hostnames are all listed", async () => {
    const present = ["a1", "a2", "a3", "a4", "a5"].map((label) => `${label}.example.com`);
    await withScriptedApi(storedHostnameList([], () => []).script, async (api) => {
      const error = await rejection(
        applyAssociationChange(hostnameClientFor(api), change({ present }), { maxWrites: 1, sleep: async () => undefined }),
      );
      expect(error.message).toContain(
        "(last read lacks a1.example.com, a2.example.com, a3.example.com, a4.example.com, a5.example.com); another",
      );
    });
  });
});

describe("locks and claims", () => {
  test("holders of one key run one after the other, and the key is released when the last is done", async () => {
    const locks = newAssociationLocks();
    const events: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = withAssociationLock(locks, "k", async () => {
      events.push("first starts");
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      events.push("first ends");
    });
    const second = withAssociationLock(locks, "k", async () => void events.push("second runs"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(["first starts"]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(["first starts", "first ends", "second runs"]);
    expect(locks.tails).toEqual({});
  });

  test("a holder arriving while the second of two runs waits for it: the first's release leaves the queue intact", async () => {
    const locks = newAssociationLocks();
    const events: string[] = [];
    const gate = () => {
      let open: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    };
    const [first, second] = [gate(), gate()];
    const a = withAssociationLock(locks, "k", async () => {
      await first.opened;
      events.push("first done");
    });
    const b = withAssociationLock(locks, "k", async () => {
      events.push("second starts");
      await second.opened;
      events.push("second done");
    });
    first.open();
    await a;
    await new Promise((resolve) => setImmediate(resolve));
    const c = withAssociationLock(locks, "k", async () => void events.push("third runs"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(["first done", "second starts"]);
    second.open();
    await Promise.all([b, c]);
    expect(events).toEqual(["first done", "second starts", "second done", "third runs"]);
    expect(locks.tails).toEqual({});
  });

  test("each CA of a zone has its own key", () => {
    expect(associationKey(zoneId, undefined)).toBe(`${zoneId}/managed`);
    expect(associationKey(zoneId, byoCa)).toBe(`${zoneId}/${byoCa}`);
  });

  test("a resource's own claims never hide its hostnames; another's do, until it is deleted", () => {
    const locks = newAssociationLocks();
    recordClaim(locks, "k", "mine", ["a.example.com"]);
    recordClaim(locks, "k", "theirs", ["b.example.com"]);
    expect(unclaimed(locks, "k", "mine", ["a.example.com", "b.example.com"])).toEqual(["a.example.com"]);
    recordClaim(locks, "k", "theirs", undefined);
    expect(locks.claims["k"]).toEqual({ mine: ["a.example.com"] });
    expect(unclaimed(locks, "k", "mine", ["a.example.com", "b.example.com"])).toEqual(["a.example.com", "b.example.com"]);
  });
});
