import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { csrDer, csrPem } from "../../provider/csr";
import { generateKeyAndCsr, type KeyAlgorithm } from "../../provider/key-generation";
import { PER_PAGE_PROBES } from "../../emulator/behaviours";
import { listAllCertificates } from "./certificate-sweep";
import { answerDetail, certificateOf, describeAnswer, type RawAnswer, type RawApi } from "./raw-api";

/** What one probe saw: `observed` in the form of `EmulatorBehaviour.emulator`, undefined when it could not look. */
export interface Observation {
  readonly id: string;
  readonly observed: string | undefined;
  /** The exact status, codes and messages, or why nothing was observed. */
  readonly detail: string;
}

/** Ids of every certificate the run issued, for the cleanup that revokes them whatever happens. */
export class IssuedCertificates {
  readonly ids = new Set<string>();

  /** Records the certificate a create answer carries, if it issued one. */
  note(answer: RawAnswer): string | undefined {
    const id = certificateOf(answer)?.id;
    if (id !== undefined) this.ids.add(id);
    return id;
  }
}

/** What the probes leave for the later ones. */
export interface ProbesBeforeStack {
  /** Which ECDSA key types the API accepted, so the Pulumi stack only declares those. */
  readonly acceptedKeyAlgorithms: KeyAlgorithm[];
  /** A certificate revoked by the probes (pending_revocation), to observe once it is revoked. */
  readonly revokedId: string | undefined;
  /** When its revoke was answered, to tell how long `pending_revocation` lasted. */
  readonly revokedAt: number;
}

const VALIDITY_DAYS = 30;

/**
 * Raw HTTP probes of every answer the provider branches on and every behaviour the emulator chose:
 * creates with each key type and bad input, a read of an unknown id, revoke and reactivate in each
 * state reachable without waiting, and list paging. Every certificate issued is recorded in `issued`,
 * every answer in `observations` as it comes, so a probe that throws leaves the ones before it.
 */
export async function probeBeforeStack(
  api: RawApi,
  prefix: string,
  issued: IssuedCertificates,
  observations: Observation[],
  log: (line: string) => void,
): Promise<ProbesBeforeStack> {
  const record = (id: string, answer: RawAnswer, observed: string = describeAnswer(answer)) => {
    observations.push({ id, observed, detail: answerDetail(answer) });
    log(`  ${id}: ${observed}`);
  };
  const create = async (csr: unknown, validityDays: unknown = VALIDITY_DAYS) => {
    const body: Record<string, unknown> = { validity_days: validityDays };
    if (csr !== undefined) body["csr"] = csr;
    const answer = await api.call("POST", "", { body });
    issued.note(answer);
    return answer;
  };
  const subject = (label: string) => ({ commonName: `${prefix}probe-${label}`, organization: "pulumi-cloudflare-mtls live test" });

  const [rsaA, rsaB, p256, p384] = await Promise.all([
    generateKeyAndCsr({ subject: subject("a"), keyAlgorithm: "RSA_2048" }),
    generateKeyAndCsr({ subject: subject("b"), keyAlgorithm: "RSA_2048" }),
    generateKeyAndCsr({ subject: subject("p256"), keyAlgorithm: "ECDSA_P256" }),
    generateKeyAndCsr({ subject: subject("p384"), keyAlgorithm: "ECDSA_P384" }),
  ]);

  const createdA = await create(rsaA.csrPem);
  record("create.rsa-2048", createdA);
  const a = certificateOf(createdA);
  if (a === undefined)
    throw new Error(`Cloudflare did not issue a certificate for an RSA 2048 CSR, the documented case: ${answerDetail(createdA)}`);
  observations.push({ id: "create.signature", observed: a.signature ?? "(absent)", detail: `signature of certificate ${a.id}` });
  const lineEndings = a.csr === undefined ? "(no csr)" : a.csr.includes("\r\n") ? "CRLF" : "LF";
  observations.push({ id: "create.csr-line-endings", observed: lineEndings, detail: `csr of certificate ${a.id}, sent with LF` });

  const createdB = await create(rsaB.csrPem);
  const b = certificateOf(createdB);
  if (b === undefined) throw new Error(`a second RSA 2048 create failed: ${answerDetail(createdB)}`);

  const acceptedKeyAlgorithms: KeyAlgorithm[] = ["RSA_2048"];
  for (const [id, keyAlgorithm, generated] of [
    ["create.ecdsa-p256", "ECDSA_P256", p256],
    ["create.ecdsa-p384", "ECDSA_P384", p384],
  ] as const) {
    const answer = await create(generated.csrPem);
    record(id, answer);
    const certificate = certificateOf(answer);
    if (certificate !== undefined && certificate.status === "active") {
      acceptedKeyAlgorithms.push(keyAlgorithm);
      await api.call("DELETE", certificate.id);
    }
  }

  record("create.csr-not-pem", await create("this is not a certificate signing request"));
  record("create.csr-bad-signature", await create(withBrokenSignature(rsaA.csrPem)));
  record("create.csr-missing", await create(undefined));
  record("create.validity-zero", await create(rsaA.csrPem, 0));
  record("get.unknown-id", await api.call("GET", randomBytes(16).toString("hex")));
  // 40 characters like a real token, so the answer is about the credential and not its format.
  record("auth.wrong-token", await api.call("GET", "", { token: randomBytes(30).toString("base64url") }));

  record("reactivate.active", await api.call("PATCH", b.id, { body: { reactivate: true } }));
  record("revoke.active", await api.call("DELETE", a.id));
  const revokedAt = Date.now();
  record("revoke.pending", await api.call("DELETE", a.id));

  observations.push(await observeDefaultStatus(api, a.id));
  const firstPage = await api.call("GET", "");
  const perPage = (firstPage.resultInfo as { per_page?: unknown } | undefined)?.per_page;
  observations.push({
    id: "list.per-page-default",
    observed: firstPage.status === 200 ? String(perPage ?? "(no result_info.per_page)") : describeAnswer(firstPage),
    detail: answerDetail(firstPage),
  });
  record("list.per-page-below-min", await api.call("GET", "", { query: { per_page: PER_PAGE_PROBES.belowMin } }));
  record("list.per-page-min", await api.call("GET", "", { query: { per_page: PER_PAGE_PROBES.min } }));
  record("list.per-page-max", await api.call("GET", "", { query: { per_page: PER_PAGE_PROBES.max } }));
  record("list.per-page-above-max", await api.call("GET", "", { query: { per_page: PER_PAGE_PROBES.aboveMax } }));

  await api.call("DELETE", b.id);
  record("reactivate.pending-revocation", await api.call("PATCH", b.id, { body: { reactivate: true } }));

  return { acceptedKeyAlgorithms, revokedId: a.id, revokedAt };
}

/**
 * Whether a list without `status` holds a certificate that is pending revocation: Cloudflare does not
 * document the filter's default.
 */
async function observeDefaultStatus(api: RawApi, pendingId: string): Promise<Observation> {
  const status = certificateOf(await api.call("GET", pendingId))?.status ?? "unknown";
  try {
    const listed = await listAllCertificates(api, {});
    const found = listed.some((certificate) => certificate.id === pendingId);
    return {
      id: "list.default-status",
      observed: `${found ? "includes" : "excludes"} ${status}`,
      detail: `${listed.length} certificates listed without status; statuses seen: ${[...new Set(listed.map((certificate) => certificate.status))].join(", ")}`,
    };
  } catch (error) {
    return { id: "list.default-status", observed: undefined, detail: `the list failed: ${(error as Error).message}` };
  }
}

/**
 * Waits until `revokedId` is `revoked` (Cloudflare does not say how long that takes; well over 90 s has
 * been seen) or `deadline` passes, else takes any revoked certificate with the live prefix, from an
 * earlier run; then observes a reactivation and a second revoke of it.
 */
export async function probeRevoked(
  api: RawApi,
  revoked: { id: string | undefined; at: number },
  prefix: string,
  deadline: number,
  issued: IssuedCertificates,
): Promise<Observation[]> {
  let target: string | undefined;
  let timing = "";
  while (revoked.id !== undefined) {
    const status = certificateOf(await api.call("GET", revoked.id))?.status;
    const seconds = Math.round((Date.now() - revoked.at) / 1000);
    if (status === "revoked") {
      target = revoked.id;
      timing = `; pending_revocation lasted at most ${seconds} s`;
      break;
    }
    timing = `; this run's certificate was still ${status ?? "unreadable"} ${seconds} s after its revoke`;
    if (Date.now() >= deadline) break;
    await sleep(Math.min(5_000, Math.max(0, deadline - Date.now())));
  }
  if (target === undefined) {
    const earlier = (await listAllCertificates(api, { status: "revoked" })).find((certificate) =>
      (certificate.common_name ?? "").startsWith(prefix),
    );
    target = earlier?.id;
  }
  if (target === undefined) {
    const why = `no certificate reached revoked in time (Cloudflare's delay is undocumented)${timing}; run the suite again later: it then uses a revoked one from this run`;
    return [
      { id: "reactivate.revoked", observed: undefined, detail: why },
      { id: "revoke.revoked", observed: undefined, detail: why },
    ];
  }
  const reactivated = await api.call("PATCH", target, { body: { reactivate: true } });
  if (certificateOf(reactivated) !== undefined) issued.ids.add(target);
  const revokedAgain = await api.call("DELETE", target);
  const on = ` (certificate ${target}${timing})`;
  return [
    { id: "reactivate.revoked", observed: describeAnswer(reactivated), detail: answerDetail(reactivated) + on },
    { id: "revoke.revoked", observed: describeAnswer(revokedAgain), detail: answerDetail(revokedAgain) + on },
  ];
}

/** The same CSR with one bit of its signature flipped: well-formed, but the self-signature fails. */
function withBrokenSignature(pem: string): string {
  const der = Buffer.from(csrDer(pem));
  const last = der.length - 1;
  der[last] = (der[last] ?? 0) ^ 0x01;
  return csrPem(der);
}
