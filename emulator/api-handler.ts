import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, presentedCredential, type AcceptedCredentials } from "./auth";
import type { Delays } from "./delays";
import { failureEnvelope } from "./envelope";
import { ApiError, apiErrors } from "./errors";
import type { FaultQueue, FaultSpec } from "./faults";
import { readBody, resetConnection, sendJson } from "./http-io";
import { runOperation, type OperationContext, type OperationResult } from "./operations";
import type { RateLimiter } from "./rate-limiter";
import { redactedHeaders } from "./redacted-headers";
import type { RequestLog } from "./request-log";
import { matchRoute, type RouteMatch } from "./routes";

export interface ApiHandlerContext extends OperationContext {
  readonly credentials: AcceptedCredentials;
  readonly rateLimiter: RateLimiter | null;
  readonly faults: FaultQueue;
  readonly log: RequestLog;
  readonly delays: Delays;
  /** When set, only these zones exist. */
  readonly zones: ReadonlySet<string> | null;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Handles one request under /client/v4: records it, applies any scripted fault, then
 * authentication, rate limiting, routing and the operation itself, in that order.
 */
export async function handleApiRequest(
  context: ApiHandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const method = request.method ?? "GET";
  const recorder = context.log.start({
    method,
    url,
    headers: redactedHeaders(request.headers),
    credential: presentedCredential(request.headers, context.credentials),
    at: context.now(),
  });
  response.once("close", () => recorder.finish(response.writableFinished ? response.statusCode : null, context.now()));

  let body: string;
  try {
    body = await readBody(request);
  } catch (error) {
    const answer = errorAnswer(error);
    sendJson(response, answer.status, answer.body, { ...answer.headers, connection: "close" });
    return;
  }
  recorder.setBody(body);

  const match = matchRoute(method, url.pathname);
  const route = match.kind === "operation" || match.kind === "invalid-identifier" ? match.route : null;
  recorder.setRoute(route);
  const fault = route === null ? undefined : context.faults.take(route);
  if (fault !== undefined) {
    recorder.setFault(fault.kind);
    const handled = await applyFaultBeforeHandling(context, fault, response);
    if (handled) return;
  }

  const answer = await answerFor(context, request, match, url, body);
  if (fault?.kind === "ambiguous-create") {
    loseAnswer(fault, response);
    return;
  }
  if (fault?.kind === "slow-create") {
    const completed = await context.delays.wait(fault.delayMs ?? 1000);
    if (!completed) return;
  }
  sendJson(response, answer.status, answer.body, answer.headers);
}

async function answerFor(context: ApiHandlerContext, request: IncomingMessage, match: RouteMatch, url: URL, body: string): Promise<Answer> {
  try {
    const principal = authenticate(request.headers, context.credentials);
    const decision = context.rateLimiter?.check(principal, context.now()) ?? { allowed: true };
    if (!decision.allowed) {
      throw apiErrors.rateLimited(decision.retryAfterSeconds);
    }
    switch (match.kind) {
      case "not-found":
        throw apiErrors.noRoute(match.apiPath);
      case "method-not-allowed":
        throw apiErrors.methodNotAllowed(match.allowed);
      case "invalid-identifier":
        throw apiErrors.invalidIdentifier(match.apiPath);
      case "operation":
        break;
    }
    if (context.zones !== null && !context.zones.has(match.zoneId)) {
      throw apiErrors.invalidIdentifier(match.apiPath);
    }
    const result: OperationResult = await runOperation(context, {
      route: match.route,
      zoneId: match.zoneId,
      certificateId: match.certificateId,
      query: url.searchParams,
      body,
    });
    return { status: result.status, body: result.envelope, headers: {} };
  } catch (error) {
    return errorAnswer(error);
  }
}

/** Returns true when the fault has already dealt with the request. */
async function applyFaultBeforeHandling(context: ApiHandlerContext, fault: FaultSpec, response: ServerResponse): Promise<boolean> {
  const retryAfter = fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
  switch (fault.kind) {
    case "latency": {
      const completed = await context.delays.wait(fault.delayMs ?? 1000);
      return !completed;
    }
    case "reset":
      resetConnection(response);
      return true;
    case "hang":
      return true;
    case "malformed":
      response.writeHead(fault.status ?? 200, { "content-type": "application/json", ...retryAfter });
      response.end('{"success":true,"errors":[],"messages":[],"result":{"id":');
      return true;
    case "status": {
      const answer = errorAnswer(apiErrors.injected(fault.status ?? 500));
      sendJson(response, answer.status, answer.body, retryAfter);
      return true;
    }
    case "rate-limit": {
      const answer = errorAnswer(apiErrors.rateLimited(fault.retryAfterSeconds ?? 1));
      sendJson(response, answer.status, answer.body, answer.headers);
      return true;
    }
    case "ambiguous-create":
    case "slow-create":
      return false;
  }
}

/** The operation ran (the certificate exists now) but the client never learns the outcome. */
function loseAnswer(fault: FaultSpec, response: ServerResponse): void {
  if (fault.status === undefined) {
    resetConnection(response);
    return;
  }
  const answer = errorAnswer(apiErrors.injected(fault.status));
  sendJson(response, answer.status, answer.body);
}

function errorAnswer(error: unknown): Answer {
  if (error instanceof ApiError) {
    return { status: error.status, body: failureEnvelope([error.toEntry()]), headers: error.headers };
  }
  console.error("cloudflare emulator: unexpected error", error);
  return {
    status: 500,
    body: failureEnvelope([{ code: 10001, message: "Internal server error (emulator bug; see its stderr)" }]),
    headers: {},
  };
}
