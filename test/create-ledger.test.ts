import { markInFlight, newCreateLedger, othersSettled, upgradeLedger, type CreateLedger } from "../provider/create-ledger";

// The ledger one provider process keeps of its creates: which POSTs are in flight for which request,
// so a recovery waits only for its own request's siblings, and what an older package's ledger lacks.

/** Whether `promise` has settled by the time the microtasks queued now have run. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  for (let turn = 0; turn < 10; turn++) await Promise.resolve();
  return settled;
}

test("a new ledger is empty", () => {
  expect(newCreateLedger()).toEqual({ recordedIds: [], inFlight: [], existingRequests: [], zoneListings: [] });
});

test("upgrading an older ledger adds the fields it lacks, empty, and keeps those it has", () => {
  const recordedIds = ["a".repeat(32)];
  const older = { recordedIds } as unknown as CreateLedger;
  expect(upgradeLedger(older)).toEqual({ recordedIds: ["a".repeat(32)], inFlight: [], existingRequests: [], zoneListings: [] });
  expect(older.recordedIds).toBe(recordedIds);
  expect(upgradeLedger({} as CreateLedger)).toEqual(newCreateLedger());
});

test("waiting for a request's POSTs waits for that request only", async () => {
  const ledger = newCreateLedger();
  const settleA = markInFlight(ledger, "a");
  markInFlight(ledger, "b");
  const waitingForA = othersSettled(ledger, "a");
  expect(await settledSoon(waitingForA)).toBe(false);
  settleA();
  expect(await settledSoon(waitingForA)).toBe(true);
  expect(ledger.inFlight.map((entry) => entry.key)).toEqual(["b"]);
});

test("settling a POST twice removes only its own entry", async () => {
  const ledger = newCreateLedger();
  const settleA = markInFlight(ledger, "a");
  markInFlight(ledger, "b");
  settleA();
  settleA();
  expect(ledger.inFlight.map((entry) => entry.key)).toEqual(["b"]);
  expect(await settledSoon(othersSettled(ledger, "b"))).toBe(false);
});

test("the first entry in flight is removed when it settles", () => {
  const ledger = newCreateLedger();
  markInFlight(ledger, "a")();
  expect(ledger.inFlight).toEqual([]);
});
