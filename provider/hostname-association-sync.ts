import { delay } from "./delay";
import { CloudflareApiError } from "./errors";
import { canonicalHostname } from "./hostnames";
import type { HostnameAssociationsClient } from "./hostname-associations-client";

/** What one resource needs of a CA's list. */
export interface AssociationChange {
  zoneId: string;
  mtlsCertificateId?: string | undefined;
  /** Hostnames that must be associated (canonical). With `exclusive`, the whole list. */
  present: readonly string[];
  /** Hostnames that must not be (canonical); ignored with `exclusive`. */
  absent: readonly string[];
  /** The list must be exactly `present`: anyone else's hostnames are removed. */
  exclusive: boolean;
}

/** The outcome: the list as read back after the last write (or as read, when nothing had to change). */
export interface AssociationResult {
  hostnames: string[];
  /** PUT requests sent. */
  writes: number;
}

/** Tuning of the read-modify-write loop. */
export interface SyncOptions {
  /**
   * Writes before giving up when another writer keeps changing the list between our write and its read-back.
   * @default 5
   */
  maxWrites?: number;
  /** First wait after a lost write, doubled each time, with jitter. @default 250 */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Serialises read-modify-write cycles per (zone, CA) within one provider process, so resources of one
 * deployment never overwrite each other's writes. A plain object of promise chains, not a Map
 * (provider/README.md, rule 2).
 */
export interface AssociationLocks {
  tails: Record<string, Promise<void> | undefined>;
  /**
   * Hostnames each resource of this deployment has written, by lock key and resource id, so that one
   * resource dropping a hostname never removes it after another resource of the deployment took it
   * over (a hostname moved between resources in one update: the two updates run in either order).
   */
  claims: Record<string, Record<string, string[]> | undefined>;
}

export function newAssociationLocks(): AssociationLocks {
  return { tails: {}, claims: {} };
}

/** `hostnames` minus those another resource of this deployment has claimed on the same list. */
export function unclaimed(locks: AssociationLocks, key: string, owner: string, hostnames: readonly string[]): string[] {
  const others = Object.entries(locks.claims[key] ?? {})
    .filter(([id]) => id !== owner)
    .flatMap(([, claimed]) => claimed);
  return hostnames.filter((hostname) => !others.includes(hostname));
}

/** Records what `owner` now holds on the list (`undefined`: nothing, after a delete). */
export function recordClaim(locks: AssociationLocks, key: string, owner: string, hostnames: readonly string[] | undefined): void {
  const claims = (locks.claims[key] ??= {});
  if (hostnames === undefined) delete claims[owner];
  else claims[owner] = [...hostnames];
}

/** Runs `work` once every earlier holder of `key` has finished. */
export async function withAssociationLock<T>(locks: AssociationLocks, key: string, work: () => Promise<T>): Promise<T> {
  const previous = locks.tails[key] ?? Promise.resolve();
  let release: () => void = () => undefined;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  locks.tails[key] = tail;
  await previous;
  try {
    return await work();
  } finally {
    release();
    if (locks.tails[key] === tail) delete locks.tails[key];
  }
}

/** The lock key of a CA's list. */
export function associationKey(zoneId: string, mtlsCertificateId: string | undefined): string {
  return `${zoneId}/${mtlsCertificateId ?? "managed"}`;
}

/** Another writer kept changing the list, so the change could not be confirmed within the bounded number of writes. */
export class ConcurrentModificationError extends CloudflareApiError {
  /** The list as last read back. */
  readonly lastRead: readonly string[];

  constructor(message: string, lastRead: readonly string[]) {
    super(message);
    this.lastRead = lastRead;
  }
}

/**
 * Reads the CA's list, adds and removes only what `change` asks (everything else is written back as it
 * was), writes it, and reads it back to confirm. A read-back that lost the change means another writer
 * (another deployment, the dashboard) wrote in between: the cycle repeats, at most `maxWrites` times.
 * Nothing is written when the list already satisfies the change.
 */
export async function applyAssociationChange(
  client: HostnameAssociationsClient,
  change: AssociationChange,
  options: SyncOptions = {},
): Promise<AssociationResult> {
  const maxWrites = options.maxWrites ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const sleep = options.sleep ?? delay;
  const read = () => client.getHostnames(change.zoneId, change.mtlsCertificateId);
  let current = await read();
  let writes = 0;
  while (!satisfies(current, change)) {
    if (writes === maxWrites) {
      throw new ConcurrentModificationError(
        `${describeList(change)}: the change was written ${writes} times and each time another writer changed the list before it could be confirmed ` +
          `(${describeShortfall(current, change)}); another deployment, the dashboard or a script is editing it at the same time: run \`pulumi up\` again once it has finished`,
        current,
      );
    }
    if (writes > 0) {
      // Lost to another writer: let it finish, then start again from what it wrote.
      await sleep(Math.round(baseDelayMs * 2 ** (writes - 1) * (0.5 + Math.random())));
      current = await read();
      if (satisfies(current, change)) break;
    }
    await client.replaceHostnames(change.zoneId, nextList(current, change), change.mtlsCertificateId);
    writes++;
    current = await read();
  }
  return { hostnames: current, writes };
}

/** The list to write: the current one minus what must go, plus what is missing, others' entries untouched. */
export function nextList(current: readonly string[], change: AssociationChange): string[] {
  const present = new Set(change.present);
  const absent = new Set(change.absent);
  const kept = current.filter((hostname) => {
    const canonical = canonicalHostname(hostname);
    return change.exclusive ? present.has(canonical) : !absent.has(canonical);
  });
  const have = new Set(kept.map(canonicalHostname));
  const added = [...present].filter((hostname) => !have.has(hostname)).sort();
  return [...new Set(kept), ...added];
}

/** Whether `current` already holds the change. */
export function satisfies(current: readonly string[], change: AssociationChange): boolean {
  const have = new Set(current.map(canonicalHostname));
  if (!change.present.every((hostname) => have.has(hostname))) return false;
  if (change.exclusive) return have.size === new Set(change.present).size;
  return !change.absent.some((hostname) => have.has(hostname));
}

function describeList(change: AssociationChange): string {
  const ca = change.mtlsCertificateId === undefined ? "the managed CA" : `mTLS certificate ${change.mtlsCertificateId}`;
  return `updating the hostnames associated with ${ca} in zone ${change.zoneId}`;
}

function describeShortfall(current: readonly string[], change: AssociationChange): string {
  const have = new Set(current.map(canonicalHostname));
  const missing = change.present.filter((hostname) => !have.has(hostname));
  const extra = change.exclusive
    ? [...have].filter((hostname) => !change.present.includes(hostname))
    : change.absent.filter((hostname) => have.has(hostname));
  const parts = [];
  if (missing.length > 0) parts.push(`last read lacks ${shortList(missing)}`);
  if (extra.length > 0) parts.push(`last read still has ${shortList(extra)}`);
  return parts.join("; ");
}

function shortList(hostnames: readonly string[]): string {
  return hostnames.length <= 5 ? hostnames.join(", ") : `${hostnames.slice(0, 5).join(", ")} and ${hostnames.length - 5} more`;
}
