/**
 * Status lifecycle of a client certificate, evaluated lazily from timestamps so that reads are
 * deterministic and no timer has to outlive a test.
 *
 * active --DELETE--> pending_revocation --(revocationDelayMs)--> revoked
 * pending_revocation --PATCH--> pending_reactivation --(reactivationDelayMs)--> active
 */

export const CERTIFICATE_STATUSES = ["active", "pending_reactivation", "pending_revocation", "revoked"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export interface LifecycleState {
  readonly status: CertificateStatus;
  /** Epoch milliseconds at which `status` was entered. */
  readonly changedAt: number;
}

export interface LifecycleDelays {
  readonly revocationDelayMs: number;
  readonly reactivationDelayMs: number;
}

export type TransitionResult =
  | { readonly ok: true; readonly state: LifecycleState }
  | { readonly ok: false; readonly reason: "already-revoked" | "not-pending-revocation" };

/** Applies the transitions that have come due by `now`. */
export function settle(state: LifecycleState, now: number, delays: LifecycleDelays): LifecycleState {
  if (state.status === "pending_revocation" && now - state.changedAt >= delays.revocationDelayMs) {
    return { status: "revoked", changedAt: state.changedAt + delays.revocationDelayMs };
  }
  if (state.status === "pending_reactivation" && now - state.changedAt >= delays.reactivationDelayMs) {
    return { status: "active", changedAt: state.changedAt + delays.reactivationDelayMs };
  }
  return state;
}

/**
 * DELETE. A certificate already pending revocation keeps its original deadline, so repeating
 * the call is harmless; a revoked one is an error (Cloudflare code 1407).
 */
export function requestRevocation(state: LifecycleState, now: number): TransitionResult {
  switch (state.status) {
    case "revoked":
      return { ok: false, reason: "already-revoked" };
    case "pending_revocation":
      return { ok: true, state };
    case "active":
    case "pending_reactivation":
      return { ok: true, state: { status: "pending_revocation", changedAt: now } };
  }
}

/** PATCH `{ reactivate: true }`: allowed only while the revocation is still pending. */
export function requestReactivation(state: LifecycleState, now: number): TransitionResult {
  if (state.status !== "pending_revocation") {
    return { ok: false, reason: "not-pending-revocation" };
  }
  return { ok: true, state: { status: "pending_reactivation", changedAt: now } };
}
