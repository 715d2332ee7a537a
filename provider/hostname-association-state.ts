import { hostnameSetOf, type HostnameAssociationInputs, type HostnameAssociationOutputs } from "./hostname-association-inputs";
import type { Unvalidated } from "./unknown";
import { ConcurrentModificationError } from "./hostname-association-sync";
import { canonicalHostname, hostnameSet } from "./hostnames";
import { describeInvalidId } from "./identifiers";

// State of a HostnameAssociation: outputs from the CA's list, and what a resource wants from its
// recorded outputs. Kept out of the provider module so the provider's serialized text requires it.

/** The outputs for `inputs` given the CA's list as last read. */
export function toOutputs(inputs: HostnameAssociationInputs, associated: readonly string[]): HostnameAssociationOutputs {
  const present = new Set(associated.map(canonicalHostname));
  const own = new Set(inputs.hostnames);
  const found = inputs.hostnames.filter((hostname) => present.has(hostname));
  return {
    zoneId: inputs.zoneId,
    ...(inputs.mtlsCertificateId === undefined ? {} : { mtlsCertificateId: inputs.mtlsCertificateId }),
    exclusive: inputs.exclusive,
    hostnames: found,
    missingHostnames: inputs.hostnames.filter((hostname) => !present.has(hostname)),
    unexpectedHostnames: inputs.exclusive ? [...present].filter((hostname) => !own.has(hostname)).sort() : [],
    associatedHostnames: hostnameSet([...associated]),
    hostnameSet: hostnameSetOf(found),
  } satisfies HostnameAssociationOutputs;
}

/** What the resource wants, from recorded outputs: its hostnames are those found plus those missing. */
export function desiredOf(props: Unvalidated<HostnameAssociationOutputs> | undefined): HostnameAssociationInputs | undefined {
  const zoneId = props?.zoneId;
  if (describeInvalidId(zoneId) !== undefined) return undefined;
  const found = props?.hostnames;
  const missing = props?.missingHostnames ?? [];
  if (!isStringArray(found) || !isStringArray(missing)) return undefined;
  const ca = props?.mtlsCertificateId;
  const hostnames = hostnameSet([...found, ...missing]);
  return {
    zoneId: zoneId as string,
    hostnames,
    hostnameSet: hostnameSetOf(hostnames),
    ...(typeof ca === "string" ? { mtlsCertificateId: ca } : {}),
    exclusive: props?.exclusive === true,
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === "string");
}

/**
 * A create that may have written before failing: the engine records the resource anyway (an error
 * with `id` and `properties` is a partial create), so a later `up` repairs it and `destroy` cleans up
 * instead of leaving hostnames nobody manages. `__provider` is kept so the engine can run delete.
 */
export function recordedAnyway(inputs: HostnameAssociationInputs, id: string, error: unknown): unknown {
  if (!(error instanceof ConcurrentModificationError)) return error;
  const providerText = (inputs as unknown as Record<string, unknown>)["__provider"];
  const outs = toOutputs(inputs, error.lastRead);
  const properties = providerText === undefined ? { ...outs } : { ...outs, __provider: providerText };
  return Object.assign(new Error(`hostname association ${id} was recorded in state, but: ${error.message}`), {
    id,
    properties,
    reasons: [error.message],
  });
}
