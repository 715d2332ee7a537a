import type * as pulumi from "@pulumi/pulumi";
import type { Unvalidated } from "./unknown";
import { randomBytes } from "node:crypto";
import type { CloudflareClientOptions } from "./cloudflare-client";
import { settingsFromConfig, type SettingsSource } from "./credentials";
import { NotFoundError } from "./errors";
import { hideProperty } from "./hidden-property";
import { operationClientOptions } from "./operation-client-options";
import { diffHostnameAssociation } from "./hostname-association-diff";
import {
  checkHostnameAssociationInputs,
  type HostnameAssociationInputs,
  type HostnameAssociationOutputs,
} from "./hostname-association-inputs";
import {
  applyAssociationChange,
  associationKey,
  newAssociationLocks,
  recordClaim,
  unclaimed,
  withAssociationLock,
  type AssociationChange,
  type AssociationLocks,
  type SyncOptions,
} from "./hostname-association-sync";
import { HostnameAssociationsClient } from "./hostname-associations-client";
import { desiredOf, recordedAnyway, toOutputs } from "./hostname-association-state";

/** Options for driving the provider in-process (tests, scripts). Pulumi programs use none. */
export interface HostnameAssociationProviderOptions {
  /** HTTP options, and credentials that bypass stack config and environment. */
  client?: CloudflareClientOptions;
  /** Tuning of the read-modify-write loop. */
  sync?: SyncOptions;
}

/**
 * The dynamic provider behind {@link HostnameAssociation}. Create, update and delete read the CA's
 * list, change only this resource's hostnames (or, with `exclusive`, make the list exactly its own),
 * write it and read it back; one (zone, CA) list is written by one resource at a time in this process.
 */
export class HostnameAssociationProvider implements pulumi.dynamic.ResourceProvider<HostnameAssociationInputs, HostnameAssociationOutputs> {
  declare readonly options: HostnameAssociationProviderOptions;
  declare private configSettings: SettingsSource | undefined;
  /** Shared by every resource of this type in the provider process (the host caches one instance per provider text). */
  locks: AssociationLocks;

  constructor(options: HostnameAssociationProviderOptions = {}) {
    hideProperty(this, "options", options);
    this.locks = newAssociationLocks();
  }

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    hideProperty(
      this,
      "configSettings",
      settingsFromConfig((key) => request.config.get(key)),
    );
  }

  async check(
    _olds: Unvalidated<HostnameAssociationInputs>,
    news: Unvalidated<HostnameAssociationInputs>,
  ): Promise<pulumi.dynamic.CheckResult<HostnameAssociationInputs>> {
    const { inputs, failures } = checkHostnameAssociationInputs(news);
    return { inputs: inputs as unknown as HostnameAssociationInputs, failures };
  }

  async diff(
    _id: string,
    olds: Unvalidated<HostnameAssociationOutputs>,
    news: Unvalidated<HostnameAssociationInputs>,
  ): Promise<pulumi.dynamic.DiffResult> {
    return diffHostnameAssociation(olds, news);
  }

  /** Adds this resource's hostnames to the CA's list (with `exclusive`: makes the list exactly them). */
  async create(inputs: HostnameAssociationInputs): Promise<pulumi.dynamic.CreateResult<HostnameAssociationOutputs>> {
    const id = `${inputs.zoneId}/${inputs.mtlsCertificateId ?? "managed-ca"}/${randomBytes(6).toString("hex")}`;
    const outs = await this.apply(id, inputs, { present: inputs.hostnames, absent: [] }, (error) => recordedAnyway(inputs, id, error));
    return { id, outs };
  }

  /** Reads the CA's list and records which of this resource's hostnames are missing (and, with `exclusive`, which others are present). */
  async read(id: string, props?: Unvalidated<HostnameAssociationOutputs>): Promise<pulumi.dynamic.ReadResult<HostnameAssociationOutputs>> {
    const desired = desiredOf(props);
    if (desired === undefined) {
      throw new Error(
        `reading hostname association ${id}: its recorded state lacks zoneId or hostnames; HostnameAssociation cannot be read from an id alone`,
      );
    }
    let associated: string[];
    try {
      associated = await this.client().getHostnames(desired.zoneId, desired.mtlsCertificateId);
    } catch (error) {
      // A zone that no longer exists has no associations; a wrong base URL (code 7003) is not NotFoundError.
      if (error instanceof NotFoundError) return {};
      throw error;
    }
    const outs = toOutputs(desired, associated);
    return { id, props: outs, inputs: desired as unknown as HostnameAssociationOutputs };
  }

  /** Adds hostnames that are new or missing and removes those dropped from the inputs; others' are left alone. */
  async update(
    id: string,
    olds: Unvalidated<HostnameAssociationOutputs>,
    news: HostnameAssociationInputs,
  ): Promise<pulumi.dynamic.UpdateResult<HostnameAssociationOutputs>> {
    const previous = desiredOf(olds)?.hostnames ?? [];
    const dropped = previous.filter((hostname) => !news.hostnames.includes(hostname));
    return { outs: await this.apply(id, news, { present: news.hostnames, absent: dropped }) };
  }

  /** Removes this resource's hostnames, leaving everyone else's. With `exclusive` the resource owned the list: it is emptied. */
  async delete(id: string, props: Unvalidated<HostnameAssociationOutputs>): Promise<void> {
    const desired = desiredOf(props);
    if (desired === undefined)
      throw new Error("deleting a hostname association whose recorded state lacks zoneId or hostnames; nothing was changed");
    try {
      // With exclusive, absent is moot: the list must become exactly `present`, empty.
      await this.apply(id, desired, { present: [], absent: desired.hostnames });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  }

  /**
   * One read-modify-write of the resource `owner` on its (zone, CA) list, under the list's lock.
   * Hostnames to remove that another resource of this deployment has since written are kept.
   * An empty `present` with nothing to keep (a delete) releases the owner's claim.
   */
  private async apply(
    owner: string,
    inputs: HostnameAssociationInputs,
    wanted: { present: readonly string[]; absent: readonly string[] },
    onFailure?: (error: unknown) => unknown,
  ): Promise<HostnameAssociationOutputs> {
    const key = associationKey(inputs.zoneId, inputs.mtlsCertificateId);
    const client = this.client();
    try {
      const hostnames = await withAssociationLock(this.locks, key, async () => {
        const absent = inputs.exclusive ? wanted.absent : unclaimed(this.locks, key, owner, wanted.absent);
        const change: AssociationChange = {
          zoneId: inputs.zoneId,
          mtlsCertificateId: inputs.mtlsCertificateId,
          exclusive: inputs.exclusive,
          present: wanted.present,
          absent,
        };
        const result = await applyAssociationChange(client, change, this.options.sync);
        recordClaim(this.locks, key, owner, wanted.present.length === 0 ? undefined : wanted.present);
        return result.hostnames;
      });
      return toOutputs(inputs, hostnames);
    } catch (error) {
      throw onFailure === undefined ? error : onFailure(error);
    }
  }

  /** A client for the current credentials: stack config first, then the environment. */
  client(): HostnameAssociationsClient {
    // One client per provider operation, so its requests share one retry budget.
    return new HostnameAssociationsClient(operationClientOptions(this.options.client, this.configSettings));
  }
}
