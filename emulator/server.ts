import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAdminRequest, ADMIN_PREFIX } from "./admin";
import { handleApiRequest, type ApiHandlerContext } from "./api-handler";
import { CertificateAuthority, defaultCertificateAuthority, type CertificateAuthorityPem } from "./certificate-authority";
import { CertificateStore, toStoredCertificate, type StoredCertificate } from "./certificate-store";
import { Delays } from "./delays";
import { apiErrors } from "./errors";
import { HostnameAssociationStore, isFullyQualifiedHostname, isMtlsCertificateId } from "./hostname-associations";
import { FaultQueue, type FaultSpec, type PendingFault } from "./faults";
import { sendJson } from "./http-io";
import { failureEnvelope } from "./envelope";
import { requestRevocation } from "./lifecycle";
import { CLOUDFLARE_RATE_LIMIT, RateLimiter, type RateLimitConfig } from "./rate-limiter";
import { RequestLog, type RecordedRequest, type RequestCounters } from "./request-log";
import { API_PREFIX, isIdentifier } from "./routes";

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** The bearer token the emulator accepts. @default a random 40-character token */
  readonly token?: string;
  /** Accepted `X-Auth-Key`; with `email`, enables the legacy key + email scheme. */
  readonly apiKey?: string;
  /** Accepted `X-Auth-Email` (compared case-insensitively). */
  readonly email?: string;
  /**
   * The zones that exist; requests for any other zone fail with code 7003.
   * @default every well-formed (32 lower-case hex) zone id exists
   */
  readonly zones?: readonly string[];
  /**
   * Ids of uploaded (BYO CA) mTLS certificates that hostname associations may name; others answer 404.
   * @default none: only the managed CA
   */
  readonly mtlsCertificates?: readonly string[];
  /** Time from DELETE (pending_revocation) to revoked. Infinity keeps it pending. @default 2000 */
  readonly revocationDelayMs?: number;
  /** Time from PATCH (pending_reactivation) to active. @default 1000 */
  readonly reactivationDelayMs?: number;
  /** Per-credential limit, or false to disable. @default 1200 requests per 300 s, then blocked 300 s */
  readonly rateLimit?: RateLimitConfig | false;
  /** The CA to sign with. @default an RSA 2048 CA generated once per process */
  readonly ca?: CertificateAuthorityPem;
  /** How many recent requests `requests()` keeps. @default 10000 */
  readonly requestLogLimit?: number;
  /**
   * The emulator's time source in milliseconds since the epoch, for tests that must not depend on how
   * fast the machine is (a frozen clock they move themselves). @default Date.now
   */
  readonly clock?: () => number;
  /** Called when an API request has been answered (or dropped by a fault); the CLI prints these. */
  readonly onRequest?: (request: RecordedRequest) => void;
}

/** A running emulator. Everything here acts on live state; snapshots are copies. */
export interface Emulator {
  /** e.g. http://127.0.0.1:41234/client/v4, the value for CLOUDFLARE_BASE_URL. */
  readonly baseUrl: string;
  /** e.g. http://127.0.0.1:41234/__emulator */
  readonly adminUrl: string;
  readonly port: number;
  readonly token: string;
  readonly caCertificatePem: string;
  /** `certificate_authority` as the API reports it. */
  readonly certificateAuthority: { readonly id: string; readonly name: string };
  /** API requests (not admin ones), oldest first. */
  requests(): RecordedRequest[];
  clearRequests(): void;
  counters(): RequestCounters;
  /** Stored certificates with their current status, oldest first; of one zone if given. */
  certificates(zoneId?: string): StoredCertificate[];
  /** Queues a scripted fault; faults are consumed in the order injected. */
  injectFault(fault: FaultSpec): void;
  pendingFaults(): PendingFault[];
  clearFaults(): void;
  /**
   * Revokes as if someone used the dashboard: pending_revocation (then revoked after the delay),
   * or revoked at once with `immediately`. Throws if no certificate has this id.
   */
  revokeOutOfBand(id: string, options?: { immediately?: boolean }): void;
  /** Removes a certificate entirely, so the API answers 404 / 1415 for it. Throws if absent. */
  deleteOutOfBand(id: string): void;
  /** The hostnames associated with the managed CA of a zone, or with the BYO CA `mtlsCertificateId`. */
  hostnameAssociations(zoneId: string, mtlsCertificateId?: string): string[];
  /** Replaces them as if someone used the dashboard or another tool. */
  setHostnameAssociationsOutOfBand(zoneId: string, hostnames: readonly string[], mtlsCertificateId?: string): void;
  /** Makes a BYO CA id known, as if an mTLS certificate had been uploaded. */
  addMtlsCertificate(id: string): void;
  /**
   * Moves the emulator's clock by `deltaMs` (negative: back in time), so tests need not wait: what it
   * issues next is dated by this clock, and revocation, reactivation and rate-limit windows run on it.
   * Starts at the real time; `reset()` keeps the shift.
   */
  shiftClock(deltaMs: number): void;
  /** Forgets certificates, hostname associations, requests, faults and rate-limit state; keeps the CA, credentials and BYO CA ids. */
  reset(): void;
  /** Stops the server, dropping open connections (including hung ones). Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a local emulator of Cloudflare's API Shield client-certificate API on 127.0.0.1.
 *
 * @example
 * const emulator = await startEmulator({ revocationDelayMs: 50 });
 * try {
 *   const client = new Cloudflare({ apiToken: emulator.token, baseURL: emulator.baseUrl });
 *   // ...
 * } finally {
 *   await emulator.close();
 * }
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = validateOptions(options);
  const ca = options.ca === undefined ? await defaultCertificateAuthority() : await CertificateAuthority.fromPem(options.ca);
  let clockShiftMs = 0;
  const clock = options.clock ?? Date.now;
  const now = () => clock() + clockShiftMs;
  const store = new CertificateStore(settings.delays, now);
  const associations = new HostnameAssociationStore(options.mtlsCertificates ?? []);
  const faults = new FaultQueue();
  const log = new RequestLog(options.requestLogLimit, options.onRequest);
  const rateLimiter = settings.rateLimit === false ? null : new RateLimiter(settings.rateLimit);
  const delays = new Delays();
  const context: ApiHandlerContext = {
    store,
    associations,
    ca,
    now,
    credentials: { token: settings.token, apiKey: options.apiKey, email: options.email },
    rateLimiter,
    faults,
    log,
    delays,
    zones: options.zones === undefined ? null : new Set(options.zones),
  };

  // Requests that race the end of startup get a 404 rather than touching a half-built emulator.
  const started: { emulator?: Emulator } = {};
  const server = createServer((request, response) => {
    dispatch(request, response).catch((error: unknown) => {
      console.error("cloudflare emulator: unexpected error", error);
      if (!response.headersSent) response.destroy();
    });
  });
  async function dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) {
      await handleApiRequest(context, request, response, url);
    } else if ((url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) && started.emulator !== undefined) {
      await handleAdminRequest(started.emulator, request, response, url);
    } else {
      request.resume();
      const error = apiErrors.noRoute(url.pathname);
      sendJson(response, error.status, failureEnvelope([error.toEntry()]));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  const emulator: Emulator = {
    baseUrl: `${origin}${API_PREFIX}`,
    adminUrl: `${origin}${ADMIN_PREFIX}`,
    port,
    token: settings.token,
    caCertificatePem: ca.certificatePem,
    certificateAuthority: { id: ca.id, name: ca.name },
    requests: () => log.snapshot(),
    clearRequests: () => log.clear(),
    counters: () => log.counters(),
    certificates: (zoneId) => store.list(zoneId).map((record) => toStoredCertificate(record, ca)),
    injectFault: (fault) => faults.inject(fault),
    pendingFaults: () => faults.pending(),
    clearFaults: () => faults.clear(),
    revokeOutOfBand(id, revokeOptions = {}) {
      const record = store.findInAnyZone(id);
      if (record === undefined) throw new Error(`the emulator has no certificate ${id}`);
      if (record.lifecycle.status === "revoked") return;
      const at = now();
      if (revokeOptions.immediately === true) {
        record.lifecycle = { status: "revoked", changedAt: at };
        return;
      }
      const result = requestRevocation(record.lifecycle, at);
      if (result.ok) record.lifecycle = result.state;
    },
    deleteOutOfBand(id) {
      if (!store.remove(id)) throw new Error(`the emulator has no certificate ${id}`);
    },
    hostnameAssociations: (zoneId, mtlsCertificateId) => associations.get(zoneId, mtlsCertificateId ?? null),
    setHostnameAssociationsOutOfBand(zoneId, hostnames, mtlsCertificateId) {
      if (!isIdentifier(zoneId)) throw new RangeError(`zone ids are 32 lower-case hex characters, got ${JSON.stringify(zoneId)}`);
      if (mtlsCertificateId !== undefined && !associations.hasCertificate(mtlsCertificateId))
        throw new Error(`the emulator has no mTLS certificate ${mtlsCertificateId}`);
      const invalid = hostnames.find((hostname) => !isFullyQualifiedHostname(hostname));
      if (invalid !== undefined) throw new RangeError(`not a fully qualified hostname: ${JSON.stringify(invalid)}`);
      associations.replace(zoneId, mtlsCertificateId ?? null, [...new Set(hostnames)]);
    },
    addMtlsCertificate(id) {
      if (!isMtlsCertificateId(id))
        throw new RangeError(`mTLS certificate ids are 32 lower-case hex characters or a UUID, got ${JSON.stringify(id)}`);
      associations.addCertificate(id);
    },
    shiftClock(deltaMs) {
      if (!Number.isFinite(deltaMs)) throw new RangeError(`shiftClock needs a finite number of milliseconds, got ${deltaMs}`);
      clockShiftMs += deltaMs;
    },
    reset() {
      store.clear();
      associations.clear();
      faults.clear();
      log.clear();
      rateLimiter?.reset();
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        delays.cancelAll();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
  started.emulator = emulator;
  return emulator;
}

interface Settings {
  readonly port: number;
  readonly token: string;
  readonly delays: { readonly revocationDelayMs: number; readonly reactivationDelayMs: number };
  readonly rateLimit: RateLimitConfig | false;
}

function validateOptions(options: EmulatorOptions): Settings {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  const token = options.token ?? randomToken();
  if (!/^\S+$/.test(token)) {
    throw new RangeError("token must be a non-empty string without whitespace");
  }
  if ((options.apiKey === undefined) !== (options.email === undefined)) {
    throw new RangeError("apiKey and email go together: give both or neither");
  }
  for (const id of options.mtlsCertificates ?? []) {
    if (!isMtlsCertificateId(id))
      throw new RangeError(`mTLS certificate ids are 32 lower-case hex characters or a UUID, got ${JSON.stringify(id)}`);
  }
  for (const zone of options.zones ?? []) {
    if (!isIdentifier(zone)) throw new RangeError(`zone ids are 32 lower-case hex characters, got ${JSON.stringify(zone)}`);
  }
  const revocationDelayMs = options.revocationDelayMs ?? 2000;
  const reactivationDelayMs = options.reactivationDelayMs ?? 1000;
  for (const [name, value] of [
    ["revocationDelayMs", revocationDelayMs],
    ["reactivationDelayMs", reactivationDelayMs],
  ] as const) {
    if (!(value >= 0)) throw new RangeError(`${name} must be >= 0 (Infinity allowed), got ${value}`);
  }
  const rateLimit = options.rateLimit ?? CLOUDFLARE_RATE_LIMIT;
  if (rateLimit !== false && !(rateLimit.maxRequests >= 1 && rateLimit.windowMs > 0 && rateLimit.blockMs >= 0)) {
    throw new RangeError("rateLimit needs maxRequests >= 1, windowMs > 0 and blockMs >= 0");
  }
  return { port, token, delays: { revocationDelayMs, reactivationDelayMs }, rateLimit };
}

/** 40 characters from Cloudflare's token alphabet. */
function randomToken(): string {
  return randomBytes(30).toString("base64url");
}
