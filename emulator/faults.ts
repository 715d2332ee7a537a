import { ROUTE_NAMES, type RouteName } from "./routes";

export const FAULT_KINDS = ["latency", "status", "rate-limit", "reset", "hang", "malformed", "ambiguous-create", "slow-create"] as const;

/**
 * - `latency`: wait `delayMs` (default 1000), then answer normally.
 * - `status`: answer `status` (default 500) with an error envelope, without touching state.
 * - `rate-limit`: answer 429 with `Retry-After: retryAfterSeconds` (default 1) and code 971.
 * - `reset`: destroy the connection (TCP RST) without answering.
 * - `hang`: never answer; the connection stays open until the client gives up or the emulator closes.
 * - `malformed`: answer `status` (default 200) with a truncated, non-JSON body.
 * - `ambiguous-create`: issue and store the certificate, then lose the answer: destroy the connection,
 *   or answer `status` (e.g. 502) with an error envelope if one is given. Matches create requests only.
 * - `slow-create`: issue and store the certificate, then wait `delayMs` (default 1000) before sending
 *   the answer: the window in which a killed client loses a certificate Cloudflare did issue.
 *   Matches create requests only.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that only make sense for a create: they act after the certificate is issued. */
const CREATE_ONLY_KINDS: readonly FaultKind[] = ["ambiguous-create", "slow-create"];

/** Which operation a fault applies to; `any` matches every API request. */
export type FaultRoute = RouteName | "any";

export interface FaultSpec {
  readonly route: FaultRoute;
  readonly kind: FaultKind;
  /** How many matching requests the fault affects. @default 1 (Infinity allowed) */
  readonly times?: number;
  readonly delayMs?: number;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
}

/** A fault still waiting in the queue, with how many matching requests it has left. */
export interface PendingFault extends FaultSpec {
  readonly remaining: number;
}

/**
 * Validates a fault from untrusted input (the admin interface or a test). `times` may also be the
 * string "Infinity", since JSON cannot carry the number.
 */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new TypeError("a fault must be an object like { route, kind }");
  }
  const record = input as Record<string, unknown>;
  const route = record["route"] ?? "any";
  if (route !== "any" && !(ROUTE_NAMES as readonly unknown[]).includes(route)) {
    throw new TypeError(`fault route must be one of any, ${ROUTE_NAMES.join(", ")}; got ${JSON.stringify(route)}`);
  }
  const kind = record["kind"];
  if (!(FAULT_KINDS as readonly unknown[]).includes(kind)) {
    throw new TypeError(`fault kind must be one of ${FAULT_KINDS.join(", ")}; got ${JSON.stringify(kind)}`);
  }
  const times = record["times"] === "Infinity" ? Infinity : record["times"];
  const spec: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = {
    route: route as FaultRoute,
    kind: kind as FaultKind,
  };
  if (times !== undefined) {
    if (typeof times !== "number" || !(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
      throw new TypeError(`fault times must be a positive integer or Infinity; got ${JSON.stringify(record["times"])}`);
    }
    spec.times = times;
  }
  const delayMs = optionalNumber(record, "delayMs", (n) => n >= 0);
  if (delayMs !== undefined) spec.delayMs = delayMs;
  const status = optionalNumber(record, "status", (n) => Number.isInteger(n) && n >= 100 && n <= 599);
  if (status !== undefined) spec.status = status;
  const retryAfterSeconds = optionalNumber(record, "retryAfterSeconds", (n) => Number.isInteger(n) && n >= 0);
  if (retryAfterSeconds !== undefined) spec.retryAfterSeconds = retryAfterSeconds;
  return spec;
}

function optionalNumber(record: Record<string, unknown>, name: string, valid: (n: number) => boolean): number | undefined {
  const value = record[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || !valid(value)) {
    throw new TypeError(`fault ${name} is invalid: ${JSON.stringify(value)}`);
  }
  return value;
}

/** Scripted faults, consumed in the order they were injected. */
export class FaultQueue {
  #pending: { spec: FaultSpec; remaining: number }[] = [];

  inject(spec: FaultSpec): void {
    const valid = parseFaultSpec(spec);
    this.#pending.push({ spec: valid, remaining: valid.times ?? 1 });
  }

  /** Takes one use of the first fault matching `route`, if any. */
  take(route: RouteName): FaultSpec | undefined {
    const index = this.#pending.findIndex(
      ({ spec }) => (spec.route === "any" || spec.route === route) && (!CREATE_ONLY_KINDS.includes(spec.kind) || route === "create"),
    );
    const entry = this.#pending[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#pending.splice(index, 1);
    return entry.spec;
  }

  pending(): PendingFault[] {
    return this.#pending.map(({ spec, remaining }) => ({ ...spec, remaining }));
  }

  clear(): void {
    this.#pending = [];
  }
}
