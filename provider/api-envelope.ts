import type { ApiEnvelope, ApiMessage } from "./api-types";

/** At most this many `errors[]`/`messages[]` entries are kept: enough for every real answer, bounded for hostile ones. */
export const MAX_API_MESSAGES = 20;

/** A Cloudflare error message longer than this is cut, so a hostile answer cannot flood logs and error messages. */
export const MAX_API_MESSAGE_LENGTH = 500;

/**
 * Parses a response body as a Cloudflare v4 envelope, or returns `undefined` when it is not one
 * (no JSON object with a boolean `success`). `errors` and `messages` are normalised: entries that
 * are not objects, codes that are not integers and messages that are not strings are turned into
 * readable placeholders, so mapping an error can never throw on a malformed answer.
 */
export function parseEnvelope(body: string): ApiEnvelope<unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  if (typeof record["success"] !== "boolean") return undefined;
  return {
    success: record["success"],
    errors: normalizeMessages(record["errors"]),
    messages: normalizeMessages(record["messages"]),
    result: record["result"] ?? null,
    ...("result_info" in record ? { result_info: record["result_info"] } : {}),
  };
}

/** Turns whatever an answer holds in `errors[]` into well-formed entries (code 0 when it has none). */
export function normalizeMessages(value: unknown): ApiMessage[] {
  if (!Array.isArray(value)) return [];
  const entries = value.slice(0, MAX_API_MESSAGES).map(normalizeMessage);
  if (value.length > MAX_API_MESSAGES) {
    entries.push({ code: 0, message: `(${value.length - MAX_API_MESSAGES} more entries not shown)` });
  }
  return entries;
}

function normalizeMessage(entry: unknown): ApiMessage {
  if (typeof entry === "string") return { code: 0, message: printable(entry) };
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    return {
      code: 0,
      message: `(an error entry that is not an object: ${entry === null ? "null" : Array.isArray(entry) ? "array" : typeof entry})`,
    };
  }
  const record = entry as Record<string, unknown>;
  const code = record["code"];
  const message = record["message"];
  return {
    code: typeof code === "number" && Number.isSafeInteger(code) ? code : 0,
    message: typeof message === "string" ? printable(message) : "(no message)",
  };
}

/** Cuts a message to {@link MAX_API_MESSAGE_LENGTH} and replaces control characters, which could forge log lines. */
function printable(message: string): string {
  const cut = message.length > MAX_API_MESSAGE_LENGTH ? `${message.slice(0, MAX_API_MESSAGE_LENGTH)}…` : message;
  return cut.replace(/[\u0000-\u001f\u007f]/g, " ");
}

/** Describes a body that is not an envelope, without repeating more than a short printable prefix of it. */
export function describeBody(body: string): string {
  if (body.length === 0) return "empty body";
  const printablePrefix = body.slice(0, 60).replace(/[^\x20-\x7e]/g, "?");
  return `starts with "${printablePrefix}"${body.length > 60 ? "…" : ""}`;
}
