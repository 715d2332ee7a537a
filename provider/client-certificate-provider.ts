import type * as pulumi from "@pulumi/pulumi";
import type { Unvalidated } from "./unknown";
import type { ApiClientCertificate } from "./api-types";
import { CloudflareClient, type CloudflareClientOptions } from "./cloudflare-client";
import { createRequestKey, newCreateLedger, type CreateLedger } from "./create-ledger";
import { checkClientCertificateInputs, type ClientCertificateInputs } from "./client-certificate-inputs";
import { diffClientCertificate } from "./client-certificate-diff";
import { toOutputs, type ClientCertificateOutputs } from "./client-certificate-outputs";
import { settingsFromConfig, type SettingsSource } from "./credentials";
import { inspectCsr, sameCsr } from "./csr";
import {
  AuthenticationError,
  CloudflareApiError,
  CODE_ALREADY_REVOKED,
  ContractViolationError,
  IssuedWithErrorsError,
  NotFoundError,
  RateLimitedError,
} from "./errors";
import { describeInvalidId, isCloudflareId } from "./identifiers";
import { hideProperty } from "./hidden-property";
import { operationClientOptions } from "./operation-client-options";
import { adoptClientCertificate, claimForAdoption } from "./adopt-client-certificate";
import { reactivateOrAccept } from "./reactivate-client-certificate";
import { issueClientCertificate, publicKeyMismatch, UnrecordableCertificateError, type IssueOptions } from "./issue-client-certificate";
import { noteExistingRequest } from "./unrecorded-twins";

/** Properties as the engine hands them over: any may be missing, unknown or of the wrong type. */

/** Options for driving the provider in-process (tests, scripts). Pulumi programs use none. */
export interface ClientCertificateProviderOptions {
  /** HTTP options, and credentials that bypass stack config and environment. */
  client?: CloudflareClientOptions;
  /** Recovery tuning for creates whose outcome is unknown. */
  issue?: IssueOptions;
}

/**
 * The dynamic provider behind {@link ClientCertificate}: create = POST, read = GET,
 * update = reactivation of a certificate pending revocation, delete = revoke.
 * Constructible with no arguments, so it can be driven in-process.
 *
 * Credentials are resolved when a method runs, from stack config (`cloudflare:apiToken`, …)
 * passed to `configure`, then from the environment; nothing secret is captured in state.
 */
export class ClientCertificateProvider implements pulumi.dynamic.ResourceProvider<ClientCertificateInputs, ClientCertificateOutputs> {
  /** Held off enumerable properties like the config settings: a connection passed in code holds credentials. */
  declare readonly options: ClientCertificateProviderOptions;
  /** Stack config settings, credentials included: held off enumerable properties (see `configure`). */
  declare private configSettings: SettingsSource | undefined;
  /** The creates of this provider process, so recovering a lost create never adopts a sibling's certificate. */
  ledger: CreateLedger;

  constructor(options: ClientCertificateProviderOptions = {}) {
    hideProperty(this, "options", options);
    this.ledger = newCreateLedger();
  }

  /** Receives the stack config; credentials in it take precedence over the environment. */
  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    // Not a plain field: util.inspect, JSON.stringify or a debugger view of the provider must not show the token.
    hideProperty(
      this,
      "configSettings",
      settingsFromConfig((key) => request.config.get(key)),
    );
  }

  /** Validates inputs before any API call and canonicalises the CSR. */
  async check(
    olds: Unvalidated<ClientCertificateInputs>,
    news: Unvalidated<ClientCertificateInputs>,
  ): Promise<pulumi.dynamic.CheckResult<ClientCertificateInputs>> {
    const { inputs, failures } = await checkClientCertificateInputs(news, olds);
    const held = recordedRequestKey(olds);
    if (held !== undefined) noteExistingRequest(this.ledger, held);
    return { inputs: inputs as unknown as ClientCertificateInputs, failures };
  }

  /**
   * Plans replacement or reactivation; no network. The certificate is noted as managed in this
   * process, so a create that runs after this diff cannot adopt it (best effort: the engine does not
   * order the diffs of existing resources before the creates of new ones).
   */
  async diff(
    id: string,
    olds: Unvalidated<ClientCertificateOutputs>,
    news: Unvalidated<ClientCertificateInputs>,
  ): Promise<pulumi.dynamic.DiffResult> {
    if (isCloudflareId(id) && !this.ledger.recordedIds.includes(id)) this.ledger.recordedIds.push(id);
    return diffClientCertificate(olds, news);
  }

  /**
   * Issues the certificate with one POST and checks that it certifies the CSR's key; with
   * `adoptCertificateId`, takes over that certificate instead (see {@link adoptClientCertificate}).
   */
  async create(inputs: ClientCertificateInputs): Promise<pulumi.dynamic.CreateResult<ClientCertificateOutputs>> {
    if (inputs.adoptCertificateId !== undefined) return this.adopt(inputs, inputs.adoptCertificateId);
    const csr = await inspectCsr(inputs.csr);
    const client = this.client();
    let issued: ApiClientCertificate;
    try {
      const request = { csr: inputs.csr, validityDays: inputs.validityDays, coexistingIds: inputs.coexistingCertificateIds ?? [] };
      issued = await issueClientCertificate(client, inputs.zoneId, request, { ...this.options.issue, ledger: this.ledger });
    } catch (error) {
      if (!(error instanceof UnrecordableCertificateError)) throw error;
      // Only what the request tells is known of it; refresh or the next up reads the rest.
      const known = { zoneId: inputs.zoneId, csr: inputs.csr, validityDays: inputs.validityDays };
      throw issuedWithErrors(inputs, error.certificateId, known, [error.message]);
    }
    const outs = toOutputs(inputs.zoneId, issued, inputs.renewBeforeDays);
    const mismatch = publicKeyMismatch(issued.certificate, csr.publicKeySha256);
    if (mismatch !== undefined) {
      try {
        await client.revokeClientCertificate(inputs.zoneId, issued.id);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw issuedWithErrors(inputs, issued.id, outs, [
          mismatch,
          `revoking it failed too (${reason}); run pulumi destroy or revoke it in the dashboard`,
        ]);
      }
      throw new CloudflareApiError(
        `creating client certificate in zone ${inputs.zoneId}: ${mismatch}; certificate ${issued.id} was revoked again, nothing is left behind`,
      );
    }
    return { id: issued.id, outs };
  }

  /** Adopts an existing certificate: no POST, every difference from the program fails before any change. */
  async adopt(inputs: ClientCertificateInputs, certificateId: string): Promise<pulumi.dynamic.CreateResult<ClientCertificateOutputs>> {
    const request = { zoneId: inputs.zoneId, certificateId, csr: inputs.csr, validityDays: inputs.validityDays };
    // Before the first await: a second resource adopting the same certificate must see this claim.
    claimForAdoption(this.ledger, request);
    // Cloudflare signed it already: the CSR need not meet the policy for new issuance.
    const adopted = await adoptClientCertificate(this.client(), request, await inspectCsr(inputs.csr, { issuancePolicy: false }));
    return { id: adopted.id, outs: toOutputs(inputs.zoneId, adopted, inputs.renewBeforeDays) };
  }

  /**
   * Reads the certificate for `pulumi refresh` and `ClientCertificate.get`. A certificate
   * that no longer exists reads as deleted; a revoked one is recorded with its status.
   */
  async read(id: string, props?: Unvalidated<ClientCertificateOutputs>): Promise<pulumi.dynamic.ReadResult<ClientCertificateOutputs>> {
    const zoneId = zoneOf(props, `reading client certificate ${id}`);
    let outs: ClientCertificateOutputs;
    try {
      const renewBeforeDays = typeof props?.renewBeforeDays === "number" ? props.renewBeforeDays : undefined;
      outs = toOutputs(zoneId, await this.client().getClientCertificate(zoneId, id), renewBeforeDays);
    } catch (error) {
      if (error instanceof NotFoundError) return {};
      throw error;
    }
    // Managed by this stack: a create in this deployment must not take it for an interrupted one's.
    if (!this.ledger.recordedIds.includes(id)) this.ledger.recordedIds.push(id);
    const recordedCsr = props?.["csr"];
    const csr = typeof recordedCsr === "string" && sameCsr(recordedCsr, outs.csr) ? recordedCsr : outs.csr;
    const inputs: ClientCertificateInputs = {
      zoneId,
      csr,
      validityDays: outs.validityDays,
      ...(outs.renewBeforeDays === undefined ? {} : { renewBeforeDays: outs.renewBeforeDays }),
    };
    // Pulumi types ReadResult.inputs as Outputs; the engine stores them as the resource's inputs.
    return { id, props: outs, inputs: inputs as unknown as ClientCertificateOutputs };
  }

  /**
   * Reactivates a certificate pending revocation; otherwise re-reads it (a changed renewal window needs
   * no API call of its own). A certificate that is already active or reactivating (a retried PATCH whose
   * first answer was lost, or a reactivation in the dashboard) is recorded as it is.
   */
  async update(
    id: string,
    olds: Unvalidated<ClientCertificateOutputs>,
    news: ClientCertificateInputs,
  ): Promise<pulumi.dynamic.UpdateResult<ClientCertificateOutputs>> {
    const zoneId = news.zoneId;
    const client = this.client();
    if (olds["status"] !== "pending_revocation") {
      return { outs: toOutputs(zoneId, await client.getClientCertificate(zoneId, id), news.renewBeforeDays) };
    }
    const reactivated = await reactivateOrAccept(client, zoneId, id, "run `pulumi refresh` then `pulumi up` to replace it");
    return { outs: toOutputs(zoneId, reactivated, news.renewBeforeDays) };
  }

  /** Revokes the certificate. Already revoked, pending revocation or gone counts as done. */
  async delete(id: string, props: Unvalidated<ClientCertificateOutputs>): Promise<void> {
    const zoneId = zoneOf(props, `revoking client certificate ${id}`);
    const client = this.client();
    try {
      await client.revokeClientCertificate(zoneId, id);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      if (!(error instanceof CloudflareApiError) || error instanceof AuthenticationError || error instanceof RateLimitedError) throw error;
      if (error.hasCode(CODE_ALREADY_REVOKED)) return;
      // No answer at all proves nothing; an undocumented refusal, or a success answer that cannot be
      // read, may still mean the certificate is on its way out: look.
      if (error.status === undefined && !(error instanceof ContractViolationError)) throw error;
      let status: string;
      try {
        status = (await client.getClientCertificate(zoneId, id)).status;
      } catch (readError) {
        if (readError instanceof NotFoundError) return;
        throw error;
      }
      if (status === "revoked" || status === "pending_revocation") return;
      throw error;
    }
  }

  /** A client for the current credentials: stack config first, then the environment. */
  client(): CloudflareClient {
    // One client per provider operation, so its requests share one retry budget.
    return new CloudflareClient(operationClientOptions(this.options.client, this.configSettings));
  }
}

/**
 * The error that makes the dynamic-provider host record a certificate that was issued although the
 * create failed. The recorded properties keep `__provider`: without it the engine could not run
 * delete on the resource later.
 */
function issuedWithErrors(inputs: ClientCertificateInputs, id: string, known: object, reasons: string[]): IssuedWithErrorsError {
  const providerText = (inputs as unknown as Record<string, unknown>)["__provider"];
  const properties = providerText === undefined ? { ...known } : { ...known, __provider: providerText };
  return new IssuedWithErrorsError(id, properties, reasons);
}

/** The request key of an existing resource's recorded inputs, or undefined for a new resource. */
function recordedRequestKey(olds: Unvalidated<ClientCertificateInputs>): string | undefined {
  const { zoneId, csr, validityDays } = olds;
  if (typeof zoneId !== "string" || typeof csr !== "string" || typeof validityDays !== "number") return undefined;
  try {
    return createRequestKey(zoneId, { csr, validityDays });
  } catch {
    // A recorded CSR that no longer parses holds no certificate this check could match.
    return undefined;
  }
}

function zoneOf(props: Unvalidated<ClientCertificateOutputs> | undefined, action: string): string {
  const zoneId = props?.["zoneId"];
  const problem = describeInvalidId(zoneId);
  if (problem !== undefined) {
    throw new Error(`${action}: zoneId ${problem}; pass the zone with ClientCertificate.get(name, id, { zoneId })`);
  }
  return zoneId as string;
}
