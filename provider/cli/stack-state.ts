import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isCloudflareId } from "../identifiers";

/** The type token of a ClientCertificate in a stack's state. */
export const CLIENT_CERTIFICATE_TYPE = "pulumi-nodejs:dynamic/cloudflare-mtls:ClientCertificate";

/** A ClientCertificate as a stack's state records it: managed (with an id) or being created. */
export interface StateCertificate {
  /** The `pulumi stack export` file it came from. */
  source: string;
  urn: string;
  /** The resource's name: the last part of its URN. */
  name: string;
  /** The certificate's id; undefined for a create still pending. */
  id?: string;
  zoneId?: string;
  csr?: string;
  validityDays?: number;
}

/** What one stack's state says about its client certificates. */
export interface StackCertificates {
  /** Resources with a certificate id. */
  managed: StateCertificate[];
  /**
   * Creates the engine started and never saw finish: the `pulumi up` was killed (SIGKILL, a CI
   * timeout) while Cloudflare's answer was in flight, so a certificate may exist that no state has.
   */
  pendingCreates: StateCertificate[];
}

/** A `--state` file is not a readable `pulumi stack export` document: exit code 1, naming the file. */
export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Reads and parses the `pulumi stack export` file `file` (relative to `cwd`). */
export function readStackCertificates(cwd: string, file: string): StackCertificates {
  const text = readFileSync(resolve(cwd, file), "utf8");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new StateFileError(`${file} is not JSON: write it with \`pulumi stack export --file ${file}\``);
  }
  return stackCertificates(document, file);
}

/**
 * Reads the client certificates of a `pulumi stack export` document (`source` names it in
 * messages). Throws {@link StateFileError} that says what is wrong when it is not such a document.
 */
export function stackCertificates(document: unknown, source: string): StackCertificates {
  const deployment = field(document, "deployment");
  if (typeof deployment !== "object" || deployment === null) {
    throw new StateFileError(`${source} is not the output of \`pulumi stack export\`: it has no "deployment" object`);
  }
  const resources = field(deployment, "resources") ?? [];
  const pending = field(deployment, "pending_operations") ?? [];
  if (!Array.isArray(resources) || !Array.isArray(pending)) {
    throw new StateFileError(
      `${source} is not the output of \`pulumi stack export\`: deployment.resources and deployment.pending_operations must be lists`,
    );
  }
  const managed = resources.filter(isClientCertificate).map((resource) => certificateOf(resource, source));
  const pendingCreates = pending
    .filter((operation) => field(operation, "type") === "creating" && isClientCertificate(field(operation, "resource")))
    .map((operation) => certificateOf(field(operation, "resource"), source));
  return { managed: managed.filter((certificate) => certificate.id !== undefined), pendingCreates };
}

function isClientCertificate(resource: unknown): boolean {
  return field(resource, "type") === CLIENT_CERTIFICATE_TYPE;
}

function certificateOf(resource: unknown, source: string): StateCertificate {
  const urn = String(field(resource, "urn") ?? "");
  // Outputs hold what Cloudflare answered; inputs are all a pending create has.
  const properties = { ...asRecord(field(resource, "inputs")), ...asRecord(field(resource, "outputs")) };
  const id = field(resource, "id");
  const certificate: StateCertificate = { source, urn, name: urn.slice(urn.lastIndexOf("::") + 2) };
  if (isCloudflareId(id)) certificate.id = id;
  if (typeof properties["zoneId"] === "string") certificate.zoneId = properties["zoneId"];
  // A secret CSR is exported encrypted: it cannot be compared, and the audit says so.
  if (typeof properties["csr"] === "string") certificate.csr = properties["csr"];
  if (typeof properties["validityDays"] === "number") certificate.validityDays = properties["validityDays"];
  return certificate;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
