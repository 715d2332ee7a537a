import type * as pulumi from "@pulumi/pulumi";
import { sameSubject, validateSubject, type CertificateSubject } from "./certificate-subject";
import { defaultKeyAlgorithm, generateKeyAndCsr, isKeyAlgorithm, keyAlgorithms, type KeyAlgorithm, type KeyAndCsr } from "./key-generation";
import { isUnknown } from "./unknown";

/** A {@link CertificateRequest}'s inputs after `check`: the key algorithm is always set. */
export interface CertificateRequestInputs {
  readonly subject: CertificateSubject;
  readonly keyAlgorithm: KeyAlgorithm;
}

export interface CertificateRequestOutputs extends CertificateRequestInputs, KeyAndCsr {}

/**
 * Generates the key and CSR once, in `create`, and keeps them in state: nothing exists outside the stack,
 * so `read` returns what is stored, `delete` has nothing to remove and any change of input replaces the
 * resource with a new key.
 *
 * Serialized into every resource's state by the closure serializer, so it holds no fields and loads its
 * heavy dependencies only when a method runs.
 */
export class CertificateRequestProvider implements pulumi.dynamic.ResourceProvider<CertificateRequestInputs, CertificateRequestOutputs> {
  // The engine passes the program's values unvalidated, hence `unknown`.
  async check(olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult<CertificateRequestInputs>> {
    const raw = (typeof news === "object" && news !== null ? news : {}) as Record<string, unknown>;
    const keyAlgorithm = raw["keyAlgorithm"] ?? keptKeyAlgorithm(olds) ?? defaultKeyAlgorithm;
    const failures = validateSubject(raw["subject"]);
    if (!isUnknown(keyAlgorithm) && !isKeyAlgorithm(keyAlgorithm)) {
      failures.push({
        property: "keyAlgorithm",
        reason: `keyAlgorithm must be one of ${keyAlgorithms.join(", ")}; leave it out for ${defaultKeyAlgorithm}`,
      });
    }
    return {
      inputs: { subject: raw["subject"], keyAlgorithm } as CertificateRequestInputs,
      failures,
    };
  }

  async diff(_id: pulumi.ID, olds: CertificateRequestOutputs, news: CertificateRequestInputs): Promise<pulumi.dynamic.DiffResult> {
    // Every input shapes the key or the CSR, and a CSR cannot be changed without a new signature,
    // so any change is a replacement. `olds` also carries `__provider`, which says nothing about the key.
    const replaces: string[] = [];
    if (!sameSubject(olds.subject, news.subject)) {
      replaces.push("subject");
    }
    if (olds.keyAlgorithm !== news.keyAlgorithm) {
      replaces.push("keyAlgorithm");
    }
    return { changes: replaces.length > 0, replaces };
  }

  async create(inputs: CertificateRequestInputs): Promise<pulumi.dynamic.CreateResult<CertificateRequestOutputs>> {
    const generated = await generateKeyAndCsr(inputs);
    const outs = { subject: inputs.subject, keyAlgorithm: inputs.keyAlgorithm, ...generated };
    // The fingerprint is unique per key and, unlike the key, fine to show in the CLI's resource list.
    return { id: generated.publicKeyFingerprintSha256, outs: outs satisfies CertificateRequestOutputs };
  }

  async read(id: pulumi.ID, props?: CertificateRequestOutputs): Promise<pulumi.dynamic.ReadResult<CertificateRequestOutputs>> {
    // Without stored state (a `get` by id alone) there is no key to return: report the resource as absent.
    if (props === undefined || props.privateKeyPem === undefined) {
      return {};
    }
    return { id, props: storedOutputs(props) };
  }

  /** Nothing exists outside the stack: the key and CSR go with the state. */
  async delete(): Promise<void> {}

  async update(_id: pulumi.ID, olds: CertificateRequestOutputs): Promise<pulumi.dynamic.UpdateResult<CertificateRequestOutputs>> {
    // Unreachable while diff reports every change as a replacement, but without an update the engine
    // would keep only `__provider` as outputs (pulumi/pulumi#13983), losing the key.
    return { outs: storedOutputs(olds) };
  }
}

/**
 * The algorithm an existing resource was created with when the program leaves it out. The default
 * changed (ECDSA_P256 to RSA_2048): without this, every such resource would be replaced, with a new
 * key and a new certificate, by the first `up` after an upgrade. `olds` are the checked inputs in
 * state, so they always carry the algorithm that was applied.
 */
function keptKeyAlgorithm(olds: unknown): KeyAlgorithm | undefined {
  const stored = typeof olds === "object" && olds !== null ? (olds as Record<string, unknown>)["keyAlgorithm"] : undefined;
  return isKeyAlgorithm(stored) ? stored : undefined;
}

function storedOutputs(props: CertificateRequestOutputs): CertificateRequestOutputs {
  return {
    subject: props.subject,
    keyAlgorithm: props.keyAlgorithm,
    csrPem: props.csrPem,
    privateKeyPem: props.privateKeyPem,
    publicKeyPem: props.publicKeyPem,
    publicKeyFingerprintSha256: props.publicKeyFingerprintSha256,
  } satisfies CertificateRequestOutputs;
}
