import type { PresentedCredential } from "./auth";
import type { FaultKind } from "./faults";
import { ROUTE_NAMES, type RouteName } from "./routes";

/** One API request as the emulator saw it. Credentials are redacted. */
export interface RecordedRequest {
  readonly method: string;
  /** Full path including `/client/v4`, without the query string. */
  readonly path: string;
  /** Query parameters; the last value wins when one is repeated. */
  readonly query: Readonly<Record<string, string>>;
  /**
   * Lower-cased header names. Credential values (`authorization`, `x-auth-key`, `x-auth-email`,
   * `cookie`, ...) are redacted, the emulator's own included: `credential` says which was used.
   */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * `token` or `api-key`: the emulator's own; `rejected`: a wrong token, key or email, or a malformed
   * Authorization header; `none`: no complete credential.
   */
  readonly credential: PresentedCredential;
  /** Parsed JSON when the body is JSON, the raw text otherwise, null when empty. */
  readonly body: unknown;
  /** The operation the path and method name, or null for unknown routes. */
  readonly route: RouteName | null;
  /** HTTP status sent, or null while pending or when no answer was sent (reset, hang, ambiguous create). */
  readonly status: number | null;
  /** The injected fault applied to this request, if any. */
  readonly fault: FaultKind | null;
  /** Epoch milliseconds at arrival. */
  readonly at: number;
  /** Milliseconds from arrival to the end of the answer, or null if none was sent. */
  readonly durationMs: number | null;
}

/** Totals since start or the last clear, for benchmarks. */
export interface RequestCounters {
  readonly total: number;
  readonly byRoute: Readonly<Record<RouteName | "unknown", number>>;
  /** Keyed by HTTP status, or "none" for requests answered by a dropped connection. */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly faultsApplied: number;
}

type MutableRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

/** Keeps the most recent requests (bounded, so long benchmarks do not grow without limit) and counters. */
export class RequestLog {
  readonly #limit: number;
  #entries: MutableRecord[] = [];
  #total = 0;
  #byRoute = emptyRouteCounts();
  #byStatus: Record<string, number> = {};
  #faultsApplied = 0;

  readonly #onFinish: ((request: RecordedRequest) => void) | undefined;

  constructor(limit = 10_000, onFinish?: (request: RecordedRequest) => void) {
    this.#limit = limit;
    this.#onFinish = onFinish;
  }

  start(entry: {
    method: string;
    url: URL;
    headers: Record<string, string>;
    credential: PresentedCredential;
    at: number;
  }): RequestRecorder {
    const record: MutableRecord = {
      method: entry.method,
      path: entry.url.pathname,
      query: Object.fromEntries(entry.url.searchParams),
      headers: entry.headers,
      credential: entry.credential,
      body: null,
      route: null,
      status: null,
      fault: null,
      at: entry.at,
      durationMs: null,
    };
    this.#entries.push(record);
    if (this.#entries.length > this.#limit) this.#entries.shift();
    this.#total += 1;
    let counted = false;
    const countRoute = (route: RouteName | null) => {
      if (counted) return;
      counted = true;
      this.#byRoute[route ?? "unknown"] += 1;
    };
    return {
      setBody: (raw) => {
        record.body = parseBody(raw);
      },
      setRoute: (route) => {
        record.route = route;
        countRoute(route);
      },
      setFault: (kind) => {
        record.fault = kind;
        this.#faultsApplied += 1;
      },
      finish: (status, at) => {
        countRoute(record.route);
        record.status = status;
        const statusKey = status === null ? "none" : String(status);
        this.#byStatus[statusKey] = (this.#byStatus[statusKey] ?? 0) + 1;
        record.durationMs = status === null ? null : at - record.at;
        this.#onFinish?.(structuredClone(record));
      },
    };
  }

  snapshot(): RecordedRequest[] {
    return structuredClone(this.#entries);
  }

  counters(): RequestCounters {
    return {
      total: this.#total,
      byRoute: { ...this.#byRoute },
      byStatus: { ...this.#byStatus },
      faultsApplied: this.#faultsApplied,
    };
  }

  clear(): void {
    this.#entries = [];
    this.#total = 0;
    this.#byRoute = emptyRouteCounts();
    this.#byStatus = {};
    this.#faultsApplied = 0;
  }
}

/** Fills in a RecordedRequest as handling progresses. */
export interface RequestRecorder {
  setBody(raw: string): void;
  setRoute(route: RouteName | null): void;
  setFault(kind: FaultKind): void;
  finish(status: number | null, at: number): void;
}

function emptyRouteCounts(): Record<RouteName | "unknown", number> {
  return { ...Object.fromEntries(ROUTE_NAMES.map((name) => [name, 0])), unknown: 0 } as Record<RouteName | "unknown", number>;
}

function parseBody(raw: string): unknown {
  if (raw === "") return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
