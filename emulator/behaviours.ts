import { apiErrors, type ApiError } from "./errors";
import { PER_PAGE_DEFAULT, PER_PAGE_MAX, PER_PAGE_MIN } from "./list-query";

/**
 * Why the emulator behaves as it does: `documented` by the API reference or Cloudflare's docs,
 * `observed` by public clients against the real API (codes in errors), or `chosen` by the emulator
 * because Cloudflare says nothing.
 */
export type BehaviourBasis = "documented" | "observed" | "chosen";

/** One behaviour the live suite (`npm run test:live`) observes on an API and sets beside the emulator's. */
export interface EmulatorBehaviour {
  /** Stable key, used in the report's JSON. */
  readonly id: string;
  /** What the live suite sends to observe it. */
  readonly probe: string;
  /**
   * The emulator's answer, written as the live suite records any answer: `"<HTTP status> [<codes>]"`
   * for an error, `"<HTTP status> <result.status>"` for a certificate, or a short fact.
   */
  readonly emulator: string;
  readonly basis: BehaviourBasis;
}

/** `"400 [1402]"`: an error answer as the live suite records it. */
export function errorAnswer(status: number, codes: readonly number[]): string {
  return `${status} [${codes.join(",")}]`;
}

function answerOf(error: ApiError): string {
  return errorAnswer(error.status, [error.code]);
}

/**
 * The emulator's behaviours where Cloudflare's real answer matters and is undocumented or only
 * observed, plus the documented ones the provider relies on. The single list: the live suite's
 * conformance report compares against it, and README.md's "chosen" entries are these.
 * Values come from the emulator's own error table and constants wherever one exists.
 */
export const EMULATOR_BEHAVIOURS: readonly EmulatorBehaviour[] = [
  { id: "create.rsa-2048", probe: "POST an RSA 2048 CSR", emulator: "200 active", basis: "documented" },
  { id: "create.ecdsa-p256", probe: "POST an ECDSA P-256 CSR", emulator: "200 active", basis: "chosen" },
  { id: "create.ecdsa-p384", probe: "POST an ECDSA P-384 CSR", emulator: "200 active", basis: "chosen" },
  { id: "create.signature", probe: "`signature` of a certificate issued for an RSA CSR", emulator: "SHA256WithRSA", basis: "documented" },
  {
    id: "create.csr-line-endings",
    probe: "line endings of the `csr` echoed by a create (sent with LF)",
    emulator: "CRLF",
    basis: "observed",
  },
  { id: "create.csr-not-pem", probe: "POST a `csr` that is not PEM", emulator: answerOf(apiErrors.csrUnparseable("-")), basis: "chosen" },
  {
    id: "create.csr-bad-signature",
    probe: "POST an RSA CSR whose self-signature does not verify",
    emulator: answerOf(apiErrors.csrSignatureInvalid()),
    basis: "chosen",
  },
  { id: "create.csr-missing", probe: "POST without `csr`", emulator: answerOf(apiErrors.csrRequired()), basis: "chosen" },
  {
    id: "create.validity-zero",
    probe: "POST with `validity_days: 0`",
    emulator: answerOf(apiErrors.validityDaysInvalid()),
    basis: "chosen",
  },
  {
    id: "auth.wrong-token",
    probe: "GET the list with a well-formed token that does not exist",
    emulator: answerOf(apiErrors.authentication()),
    basis: "observed",
  },
  {
    id: "get.unknown-id",
    probe: "GET a certificate id that does not exist",
    emulator: answerOf(apiErrors.certificateNotFound()),
    basis: "observed",
  },
  { id: "revoke.active", probe: "DELETE an active certificate", emulator: "200 pending_revocation", basis: "documented" },
  { id: "revoke.pending", probe: "DELETE again while it is pending_revocation", emulator: "200 pending_revocation", basis: "chosen" },
  { id: "revoke.revoked", probe: "DELETE a revoked certificate", emulator: answerOf(apiErrors.alreadyRevoked()), basis: "observed" },
  {
    id: "reactivate.active",
    probe: 'PATCH `{"reactivate":true}` on an active certificate',
    emulator: answerOf(apiErrors.notPendingRevocation("active")),
    basis: "chosen",
  },
  {
    id: "reactivate.pending-revocation",
    probe: 'PATCH `{"reactivate":true}` while pending_revocation',
    emulator: "200 pending_reactivation",
    basis: "chosen",
  },
  {
    id: "reactivate.revoked",
    probe: 'PATCH `{"reactivate":true}` on a revoked certificate (can it be restored?)',
    emulator: answerOf(apiErrors.notPendingRevocation("revoked")),
    basis: "chosen",
  },
  {
    id: "list.default-status",
    probe: "GET the list without `status`: is a pending_revocation certificate in it?",
    emulator: "includes pending_revocation",
    basis: "chosen",
  },
  {
    id: "list.per-page-default",
    probe: "`result_info.per_page` of a list without `per_page`",
    emulator: String(PER_PAGE_DEFAULT),
    basis: "chosen",
  },
  {
    id: "list.per-page-below-min",
    probe: `GET the list with \`per_page=${PER_PAGE_MIN - 1}\``,
    emulator: answerOf(apiErrors.invalidListParameter("per_page", "-")),
    basis: "chosen",
  },
  { id: "list.per-page-min", probe: `GET the list with \`per_page=${PER_PAGE_MIN}\``, emulator: "200", basis: "documented" },
  { id: "list.per-page-max", probe: `GET the list with \`per_page=${PER_PAGE_MAX}\``, emulator: "200", basis: "documented" },
  {
    id: "list.per-page-above-max",
    probe: `GET the list with \`per_page=${PER_PAGE_MAX + 1}\``,
    emulator: answerOf(apiErrors.invalidListParameter("per_page", "-")),
    basis: "chosen",
  },
];

/** The page sizes the per_page probes send, from the same constants. */
export const PER_PAGE_PROBES = { belowMin: PER_PAGE_MIN - 1, min: PER_PAGE_MIN, max: PER_PAGE_MAX, aboveMax: PER_PAGE_MAX + 1 } as const;
