import { setTimeout as sleep } from "node:timers/promises";
import type { LiveTarget } from "./live-target";

/** An answer exactly as it came: HTTP status, the envelope's `errors[]` and its result. */
export interface RawAnswer {
  readonly status: number;
  /** The envelope's `success`, when the body was an envelope. */
  readonly success: boolean | undefined;
  /** `errors[].code`, in order. */
  readonly codes: number[];
  /** `errors[].message` (with any `error_chain` entries as "code: message"), in order. */
  readonly messages: string[];
  readonly result: unknown;
  readonly resultInfo: unknown;
}

/** Statuses worth another attempt for an observation: the request was not processed. */
const RETRIED = new Set([429, 502, 503, 504]);
const ATTEMPTS = 4;

/**
 * Plain `fetch` against the client-certificate API, with no interpretation: the live suite records what
 * Cloudflare answers, so it must not go through the provider's error mapping. Only a rate limit or a
 * gateway error is retried (nothing was done), waiting as told up to 20 s.
 */
export class RawApi {
  constructor(private readonly target: LiveTarget) {}

  /** Requests `path` under the zone's `client_certificates` (`""` for the collection). */
  async call(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    options: { query?: Record<string, string | number>; body?: unknown; token?: string } = {},
  ): Promise<RawAnswer> {
    const url = new URL(
      `${this.target.baseUrl.replace(/\/+$/, "")}/zones/${this.target.zoneId}/client_certificates${path === "" ? "" : `/${path}`}`,
    );
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, String(value));
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${options.token ?? this.target.token}`,
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (RETRIED.has(response.status) && attempt < ATTEMPTS) {
        const retryAfter = Number(response.headers.get("retry-after"));
        await sleep(Math.min(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000 * 2 ** attempt, 20_000));
        continue;
      }
      return parseAnswer(response.status, text);
    }
  }
}

function parseAnswer(status: number, text: string): RawAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      status,
      success: undefined,
      codes: [],
      messages: [`(not JSON: ${text.slice(0, 200)})`],
      result: undefined,
      resultInfo: undefined,
    };
  }
  const envelope = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const errors = Array.isArray(envelope["errors"]) ? (envelope["errors"] as unknown[]) : [];
  const codes: number[] = [];
  const messages: string[] = [];
  for (const entry of errors) {
    const { code, message, error_chain: chain } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof code === "number") codes.push(code);
    const chained = Array.isArray(chain)
      ? chain.map((link) => `${String((link as Record<string, unknown>)["code"])}: ${String((link as Record<string, unknown>)["message"])}`)
      : [];
    messages.push([String(message), ...chained].join(" / "));
  }
  return {
    status,
    success: typeof envelope["success"] === "boolean" ? envelope["success"] : undefined,
    codes,
    messages,
    result: envelope["result"],
    resultInfo: envelope["result_info"],
  };
}

/** A certificate in a result, as far as the suite needs it. */
export interface RawCertificate {
  readonly id: string;
  readonly status: string;
  readonly csr?: string;
  readonly signature?: string;
  readonly common_name?: string;
}

/** The certificate a successful answer carries, or undefined. */
export function certificateOf(answer: RawAnswer): RawCertificate | undefined {
  const result = answer.result as Partial<RawCertificate> | null | undefined;
  return typeof result?.id === "string" && typeof result.status === "string" ? (result as RawCertificate) : undefined;
}

/** How the report writes an answer: `"200 active"`, `"400 [1402]"`, `"200"`. */
export function describeAnswer(answer: RawAnswer): string {
  if (answer.status >= 200 && answer.status < 300 && answer.success !== false) {
    const certificate = certificateOf(answer);
    return certificate === undefined ? String(answer.status) : `${answer.status} ${certificate.status}`;
  }
  return `${answer.status} [${answer.codes.join(",")}]`;
}

/** Status, codes and messages, for the report's detail column. */
export function answerDetail(answer: RawAnswer): string {
  const errors =
    answer.codes.length === 0 && answer.messages.length === 0
      ? ""
      : ` errors: ${answer.messages.map((message, index) => `${answer.codes[index] ?? "?"} "${message}"`).join("; ")}`;
  return `HTTP ${answer.status}${errors}`;
}
