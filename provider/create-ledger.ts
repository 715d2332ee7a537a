import { createHash } from "node:crypto";
import type { ApiClientCertificate } from "./api-types";
import { csrDer } from "./csr";

/**
 * What one provider process knows about the certificates it creates, so that recovering a create
 * whose answer was lost never takes a certificate that belongs to another resource of the same
 * deployment. Plain arrays and objects, no Set or Map (provider/README.md, rule 2).
 */
export interface CreateLedger {
  /** Certificates recorded by this process (issued, or adopted by a recovery): never adopted again. */
  recordedIds: string[];
  /** Creates whose POST has not settled yet, by request key. */
  inFlight: Array<{ key: string; settled: Promise<void> }>;
  /** Request keys of existing resources `check` has seen: each holds a certificate for that request. */
  existingRequests: string[];
  /** Each zone's active certificates, listed once before this process's first create in it. */
  zoneListings: Array<{ zoneId: string; active: Promise<ApiClientCertificate[]> }>;
}

export function newCreateLedger(): CreateLedger {
  return { recordedIds: [], inFlight: [], existingRequests: [], zoneListings: [] };
}

/**
 * Fills in, in place, the fields a ledger made by an older version of this package lacks. A provider
 * serialized into a stack's state by that version still creates its own ledger and hands it to the
 * installed modules (the recorded texts in test/fixtures/provider-texts do).
 */
export function upgradeLedger(ledger: CreateLedger): CreateLedger {
  const older: Partial<CreateLedger> = ledger;
  older.recordedIds ??= [];
  older.inFlight ??= [];
  older.existingRequests ??= [];
  older.zoneListings ??= [];
  return ledger;
}

/** Identifies "the same request": zone, CSR (by DER, so line endings do not matter) and validity. */
export function createRequestKey(zoneId: string, request: { csr: string; validityDays: number }): string {
  const csrHash = createHash("sha256").update(csrDer(request.csr)).digest("hex");
  return `${zoneId}/${csrHash}/${request.validityDays}`;
}

/** Marks a POST for `key` as in flight until the returned function is called. */
export function markInFlight(ledger: CreateLedger, key: string): () => void {
  let settle: () => void = () => undefined;
  const entry = { key, settled: new Promise<void>((resolve) => (settle = resolve)) };
  ledger.inFlight.push(entry);
  return () => {
    const index = ledger.inFlight.indexOf(entry);
    if (index >= 0) ledger.inFlight.splice(index, 1);
    settle();
  };
}

/** Resolves once every POST for `key` that is in flight now has settled. */
export async function othersSettled(ledger: CreateLedger, key: string): Promise<void> {
  await Promise.all(ledger.inFlight.filter((entry) => entry.key === key).map((entry) => entry.settled));
}
