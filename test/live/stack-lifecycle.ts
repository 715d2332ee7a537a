import { createPrivateKey, X509Certificate } from "node:crypto";
import { listClientCertificates } from "../../provider/list-client-certificates";
import type { LiveStack, StackCertificate } from "./live-stack";
import type { LiveTarget } from "./live-target";
import { certificateOf, type RawApi } from "./raw-api";

/** One step of the lifecycle through the real engine. */
export interface StepResult {
  readonly name: string;
  readonly result: "passed" | "failed" | "not run";
  readonly detail: string;
  readonly seconds: number;
}

interface Step {
  readonly name: string;
  /** Returns what it saw; throws when the provider's documented behaviour breaks. */
  readonly run: () => Promise<string>;
}

/**
 * up (one certificate per accepted key type), listClientCertificates, a second up with no change,
 * refresh, a replacement and destroy, each checked against what the README promises. After a failed
 * step the rest are not run (the cleanup still destroys and revokes).
 */
export async function runStackLifecycle(
  stack: LiveStack,
  api: RawApi,
  target: LiveTarget,
  options: {
    prefix: string;
    keyAlgorithms: readonly string[];
    log: (line: string) => void;
    onIssued: (id: string) => void;
    /** Why the run must stop (an interrupt), checked before each step. */
    stopReason: () => string | undefined;
  },
): Promise<StepResult[]> {
  let issued: StackCertificate[] = [];
  const steps: Step[] = [
    {
      name: `up issues one certificate per key type (${options.keyAlgorithms.join(", ")})`,
      run: async () => {
        await stack.engine.setConfig("commonNamePrefix", options.prefix);
        await stack.engine.setConfig("keyAlgorithms", options.keyAlgorithms.join(","));
        await stack.engine.setConfig("firstValidityDays", "30");
        await stack.engine.up();
        issued = await stack.certificates();
        for (const certificate of issued) options.onIssued(certificate.id);
        check(
          issued.length === options.keyAlgorithms.length,
          `the stack holds ${issued.length} certificates, not ${options.keyAlgorithms.length}`,
        );
        for (const certificate of issued) {
          check(certificate.status === "active", `${certificate.keyAlgorithm}: status ${certificate.status}, not active`);
          check(
            certificate.commonName.startsWith(options.prefix),
            `${certificate.keyAlgorithm}: common name ${certificate.commonName} lacks the prefix`,
          );
          check(
            new X509Certificate(certificate.certificatePem).checkPrivateKey(createPrivateKey(certificate.privateKeyPem)),
            `${certificate.keyAlgorithm}: the certificate is not for the generated key`,
          );
        }
        return `issued ${issued.map((certificate) => `${certificate.keyAlgorithm} ${certificate.id}`).join(", ")}; each certificate matches its generated private key`;
      },
    },
    {
      name: "listClientCertificates lists them as active",
      run: async () => {
        const listed = await listClientCertificates(
          { zoneId: target.zoneId, status: "active" },
          { connection: { credentials: { apiToken: target.token }, baseUrl: target.baseUrl } },
        );
        const ids = new Set(listed.map((certificate) => certificate.id));
        const missing = issued.filter((certificate) => !ids.has(certificate.id));
        check(missing.length === 0, `not listed as active: ${missing.map((certificate) => certificate.id).join(", ")}`);
        return `${listed.length} active certificates in the zone, the stack's among them`;
      },
    },
    {
      name: "a second up changes nothing",
      run: async () => {
        await stack.engine.up({ expectNoChanges: true });
        return "pulumi up --expect-no-changes succeeded";
      },
    },
    {
      name: "refresh finds no drift",
      run: async () => {
        await stack.engine.refresh({ expectNoChanges: true });
        return "pulumi refresh --expect-no-changes succeeded";
      },
    },
    {
      name: "a new validity replaces the first certificate and revokes the old one",
      run: async () => {
        const old = first(issued);
        await stack.engine.setConfig("firstValidityDays", "31");
        await stack.engine.up();
        issued = await stack.certificates();
        for (const certificate of issued) options.onIssued(certificate.id);
        const replaced = first(issued);
        check(
          replaced.id !== old.id && replaced.status === "active",
          `after the replacement the certificate is ${replaced.id} (${replaced.status})`,
        );
        const oldStatus = await statusOf(api, old.id);
        check(oldStatus === "pending_revocation" || oldStatus === "revoked", `the replaced certificate ${old.id} is ${oldStatus}`);
        return `${old.id} (now ${oldStatus}) replaced by ${replaced.id}`;
      },
    },
    {
      name: "destroy revokes every certificate and empties the state",
      run: async () => {
        await stack.engine.destroy();
        const left = await stack.resourceCount();
        check(left === 0, `${left} resources left in state`);
        const statuses = await Promise.all(issued.map(async (certificate) => `${certificate.id} ${await statusOf(api, certificate.id)}`));
        check(
          statuses.every((line) => / (pending_revocation|revoked)$/.test(line)),
          `after destroy: ${statuses.join(", ")}`,
        );
        return statuses.join(", ");
      },
    },
  ];

  const results: StepResult[] = [];
  let failed = false;
  for (const step of steps) {
    const stop = options.stopReason();
    if (failed || stop !== undefined) {
      results.push({ name: step.name, result: "not run", detail: stop ?? "an earlier step failed", seconds: 0 });
      continue;
    }
    const started = Date.now();
    try {
      const detail = await step.run();
      results.push({ name: step.name, result: "passed", detail, seconds: elapsed(started) });
      options.log(`  passed  ${step.name} (${elapsed(started)} s)`);
    } catch (error) {
      failed = true;
      results.push({ name: step.name, result: "failed", detail: (error as Error).message, seconds: elapsed(started) });
      options.log(`  FAILED  ${step.name}: ${(error as Error).message}`);
    }
  }
  return results;
}

async function statusOf(api: RawApi, id: string): Promise<string> {
  const answer = await api.call("GET", id);
  return certificateOf(answer)?.status ?? `unreadable (HTTP ${answer.status})`;
}

function first(certificates: readonly StackCertificate[]): StackCertificate {
  const certificate = certificates[0];
  if (certificate === undefined) throw new Error("the stack has no certificate");
  return certificate;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function elapsed(started: number): number {
  return Math.round((Date.now() - started) / 100) / 10;
}
