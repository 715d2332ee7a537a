import { randomBytes } from "node:crypto";
import type { CertificateAuthority } from "./certificate-authority";
import { verifyCsr } from "./certificate-signing-request";
import { toResource, type CertificateRecord, type CertificateStore } from "./certificate-store";
import { successEnvelope, type Envelope } from "./envelope";
import { apiErrors } from "./errors";
import { getHostnameAssociations, replaceHostnameAssociations, type HostnameAssociationStore } from "./hostname-associations";
import { requestReactivation, requestRevocation, type TransitionResult } from "./lifecycle";
import { paginate, parseListQuery } from "./list-query";
import type { RouteName } from "./routes";

export interface OperationContext {
  readonly store: CertificateStore;
  readonly associations: HostnameAssociationStore;
  readonly ca: CertificateAuthority;
  readonly now: () => number;
}

export interface OperationRequest {
  readonly route: RouteName;
  readonly zoneId: string;
  readonly certificateId: string | null;
  readonly query: URLSearchParams;
  readonly body: string;
}

export interface OperationResult {
  readonly status: number;
  readonly envelope: Envelope<unknown>;
}

const DAY_MS = 86_400_000;
/** The last instant an X.509 certificate can express. */
const LATEST_NOT_AFTER = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Runs one of the seven operations against the stores. Failures are thrown as ApiError. */
export async function runOperation(context: OperationContext, request: OperationRequest): Promise<OperationResult> {
  switch (request.route) {
    case "list":
      return list(context, request);
    case "create":
      return create(context, request);
    case "get":
      return ok(toResource(existing(context, request), context.ca));
    case "reactivate":
      return reactivate(context, request);
    case "revoke":
      return revoke(context, request);
    case "get-hostnames":
      return getHostnameAssociations(context.associations, request);
    case "replace-hostnames":
      return replaceHostnameAssociations(context.associations, request);
  }
}

function list(context: OperationContext, request: OperationRequest): OperationResult {
  const query = parseListQuery(request.query);
  const resources = context.store.list(request.zoneId).map((record) => toResource(record, context.ca));
  const { page, resultInfo } = paginate(resources, query);
  return { status: 200, envelope: successEnvelope(page, resultInfo) };
}

async function create(context: OperationContext, request: OperationRequest): Promise<OperationResult> {
  const body = parseJsonObject(request.body);
  const csrText = body["csr"];
  if (typeof csrText !== "string" || csrText.trim() === "") {
    throw apiErrors.csrRequired();
  }
  const validityDays = body["validity_days"];
  if (typeof validityDays !== "number" || !Number.isSafeInteger(validityDays) || validityDays < 1) {
    throw apiErrors.validityDaysInvalid();
  }
  const issuedAt = Math.floor(context.now() / 1000) * 1000;
  const expiresAt = issuedAt + validityDays * DAY_MS;
  if (expiresAt > LATEST_NOT_AFTER) {
    throw apiErrors.validityDaysInvalid();
  }

  const csr = await verifyCsr(csrText);
  const issued = await context.ca.issue({
    publicKey: csr.publicKey,
    subject: csr.subjectName,
    notBefore: new Date(issuedAt),
    notAfter: new Date(expiresAt),
  });
  const record: CertificateRecord = {
    zoneId: request.zoneId,
    id: newCertificateId(context.store),
    csr: csr.echoed,
    subject: csr.subject,
    validityDays,
    issued,
    lifecycle: { status: "active", changedAt: issuedAt },
  };
  context.store.add(record);
  return ok(toResource(record, context.ca));
}

function reactivate(context: OperationContext, request: OperationRequest): OperationResult {
  // The reference's example sends no body, so an empty body or {} reactivates like { reactivate: true }.
  const body = request.body.trim() === "" ? {} : parseJsonObject(request.body);
  const flag = body["reactivate"];
  if (flag !== undefined && flag !== true) {
    throw apiErrors.reactivateInvalid();
  }
  const record = existing(context, request);
  applyTransition(record, requestReactivation(record.lifecycle, context.now()));
  return ok(toResource(record, context.ca));
}

function revoke(context: OperationContext, request: OperationRequest): OperationResult {
  const record = existing(context, request);
  applyTransition(record, requestRevocation(record.lifecycle, context.now()));
  return ok(toResource(record, context.ca));
}

function applyTransition(record: CertificateRecord, result: TransitionResult): void {
  if (!result.ok) {
    throw result.reason === "already-revoked" ? apiErrors.alreadyRevoked() : apiErrors.notPendingRevocation(record.lifecycle.status);
  }
  record.lifecycle = result.state;
}

function existing(context: OperationContext, request: OperationRequest): CertificateRecord {
  const record = request.certificateId === null ? undefined : context.store.find(request.zoneId, request.certificateId);
  if (record === undefined) {
    throw apiErrors.certificateNotFound();
  }
  return record;
}

function ok(result: unknown): OperationResult {
  return { status: 200, envelope: successEnvelope(result) };
}

function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw apiErrors.malformedJson();
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw apiErrors.malformedJson();
  }
  return value as Record<string, unknown>;
}

function newCertificateId(store: CertificateStore): string {
  for (;;) {
    const id = randomBytes(16).toString("hex");
    if (store.findInAnyZone(id) === undefined) return id;
  }
}
