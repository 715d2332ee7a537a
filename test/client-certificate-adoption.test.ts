import { startEmulator, type Emulator } from "../emulator";
import {
  AdoptionError,
  ClientCertificateProvider,
  CloudflareClient,
  type ClientCertificateInputs,
  type ClientCertificateOutputs,
} from "../provider";
import { UNKNOWN } from "../provider/unknown";
import { csrFixture } from "./fixtures/csr-fixtures";

// Certificates are issued straight through the API (as the dashboard would), then adopted by the
// provider; every test asserts the exact requests the adoption sent.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const otherZoneId = "99999999999999999999999999999999";
const csr = csrFixture("ecdsa-p256");

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000, reactivationDelayMs: 60_000 });
});
afterEach(async () => {
  await emulator.close();
});

function provider(): ClientCertificateProvider {
  return new ClientCertificateProvider({
    client: { connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl }, sleep: async () => undefined },
    issue: { settleDelayMs: 0, sleep: async () => undefined },
  });
}

/** Issues a certificate out of band and forgets the requests that did it. */
async function issuedElsewhere(request: { zoneId?: string; csr?: string; validityDays?: number } = {}): Promise<string> {
  const client = new CloudflareClient({ connection: { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl } });
  const issued = await client.createClientCertificate(request.zoneId ?? zoneId, {
    csr: request.csr ?? csr,
    validityDays: request.validityDays ?? 365,
  });
  emulator.clearRequests();
  return issued.id;
}

const adopting = (id: string, overrides: Partial<ClientCertificateInputs> = {}): ClientCertificateInputs => ({
  zoneId,
  csr,
  validityDays: 365,
  adoptCertificateId: id,
  ...overrides,
});
const lines = () => emulator.requests().map((request) => `${request.method} ${request.path.replace("/client/v4", "")}`);

async function adoptionFailure(promise: Promise<unknown>): Promise<AdoptionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AdoptionError);
  return error as AdoptionError;
}

describe("ClientCertificateProvider.create with adoptCertificateId", () => {
  test("adopts a matching certificate with one GET and no POST, recording every output", async () => {
    const id = await issuedElsewhere();
    const { id: adoptedId, outs } = await provider().create(adopting(id, { renewBeforeDays: 30 }));
    expect(adoptedId).toBe(id);
    expect(lines()).toEqual([`GET /zones/${zoneId}/client_certificates/${id}`]);
    const stored = emulator.certificates(zoneId);
    expect(stored.map((certificate) => certificate.id)).toEqual([id]);
    expect(outs).toMatchObject({ zoneId, csr, validityDays: 365, status: "active", commonName: "p256.example.com", renewBeforeDays: 30 });
    expect(outs?.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(outs).not.toHaveProperty("adoptCertificateId");
  });

  test("adopts a certificate whose CSR Cloudflare echoes with CRLF when the program has LF (compared by DER)", async () => {
    const id = await issuedElsewhere({ csr: csr.replace(/\n/g, "\r\n") });
    await expect(provider().create(adopting(id))).resolves.toMatchObject({ id });
  });

  test("refuses a certificate for another CSR, naming subject and key, and tells where to get its CSR", async () => {
    const id = await issuedElsewhere({ csr: csrFixture("ecdsa-p256-other") });
    const error = await adoptionFailure(provider().create(adopting(id)));
    expect(error.message).toMatch(
      new RegExp(
        `^adopting client certificate ${id} in zone ${zoneId}: its CSR is not the one in csr \\(subject CN=.+ in the certificate, CN=p256\\.example\\.com.* in csr; ` +
          `key ECDSA P-256 sha256:[0-9a-f]{16} in the certificate, ECDSA P-256 sha256:[0-9a-f]{16} in csr\\): ` +
          `pass the certificate's CSR \\(\`npx pulumi-cloudflare-mtls adopt --zone ${zoneId}\` writes it to <dir>/${id}\\.csr\\); nothing was changed$`,
      ),
    );
    expect(lines()).toEqual([`GET /zones/${zoneId}/client_certificates/${id}`]);
  });

  test("refuses another validity, writing the value to put in the program", async () => {
    const id = await issuedElsewhere({ validityDays: 3650 });
    const error = await adoptionFailure(provider().create(adopting(id, { validityDays: 90 })));
    expect(error.message).toBe(
      `adopting client certificate ${id} in zone ${zoneId}: validityDays is 90 in the program but the certificate has 3650: write validityDays: 3650; nothing was changed`,
    );
    expect(lines()).toEqual([`GET /zones/${zoneId}/client_certificates/${id}`]);
  });

  test("lists every difference at once", async () => {
    const id = await issuedElsewhere({ csr: csrFixture("ecdsa-p384"), validityDays: 730 });
    const error = await adoptionFailure(provider().create(adopting(id)));
    expect(error.message).toMatch(
      /: its CSR is not the one in csr \(subject .*; key ECDSA P-384 sha256:[0-9a-f]{16} in the certificate, ECDSA P-256 sha256:[0-9a-f]{16} in csr\): .*; validityDays is 365 in the program but the certificate has 730: write validityDays: 730; nothing was changed$/,
    );
  });

  test("refuses a certificate of another zone as not found there", async () => {
    const id = await issuedElsewhere({ zoneId: otherZoneId });
    const error = await adoptionFailure(provider().create(adopting(id)));
    expect(error.message).toBe(
      `adopting client certificate ${id} in zone ${zoneId}: not found in zone ${zoneId}: check the id and zoneId ` +
        `(\`npx pulumi-cloudflare-mtls list --zone ${zoneId} --status all\` lists the zone's certificates); nothing was changed`,
    );
    expect(lines()).toEqual([`GET /zones/${zoneId}/client_certificates/${id}`]);
  });

  test("refuses a zone Cloudflare does not know, naming the fix", async () => {
    await emulator.close();
    emulator = await startEmulator({ zones: [otherZoneId] });
    const id = await issuedElsewhere({ zoneId: otherZoneId });
    const error = await adoptionFailure(provider().create(adopting(id)));
    expect(error.message).toMatch(
      new RegExp(
        `^adopting client certificate ${id} in zone ${zoneId}: Cloudflare does not know this zone or id \\(.*Cloudflare error 7003: .*\\): check zoneId and the id; nothing was changed$`,
      ),
    );
    expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual(["GET 400"]);
  });

  test("refuses a certificate that no longer exists as not found", async () => {
    const id = await issuedElsewhere();
    emulator.deleteOutOfBand(id);
    const error = await adoptionFailure(provider().create(adopting(id)));
    expect(error.message).toMatch(
      new RegExp(`^adopting client certificate ${id} in zone ${zoneId}: not found in zone ${zoneId}: check the id and zoneId`),
    );
    expect(emulator.requests().map((request) => `${request.method} ${request.status}`)).toEqual(["GET 404"]);
  });

  test("reactivates a certificate pending revocation with PATCH", async () => {
    const id = await issuedElsewhere();
    emulator.revokeOutOfBand(id);
    const { outs } = await provider().create(adopting(id));
    expect(lines()).toEqual([`GET /zones/${zoneId}/client_certificates/${id}`, `PATCH /zones/${zoneId}/client_certificates/${id}`]);
    expect(emulator.requests()[1]?.body).toEqual({ reactivate: true });
    expect(outs?.status).toBe("pending_reactivation");
  });

  test("refuses a revoked certificate, advising to issue a new one, and changes nothing", async () => {
    const id = await issuedElsewhere();
    emulator.revokeOutOfBand(id, { immediately: true });
    const error = await adoptionFailure(provider().create(adopting(id)));
    expect(error.message).toBe(
      `adopting client certificate ${id} in zone ${zoneId}: it is revoked and can never serve again: ` +
        "remove adoptCertificateId to issue a new certificate for this CSR instead; nothing was changed",
    );
    expect(lines()).toEqual([`GET /zones/${zoneId}/client_certificates/${id}`]);
  });

  test("lets only one of two resources adopting the same certificate in one deployment have it", async () => {
    const id = await issuedElsewhere();
    const deployment = provider();
    const outcomes = await Promise.allSettled([deployment.create(adopting(id)), deployment.create(adopting(id))]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    expect(failure?.reason).toBeInstanceOf(AdoptionError);
    expect((failure?.reason as Error).message).toBe(
      `adopting client certificate ${id} in zone ${zoneId}: another ClientCertificate of this stack already adopts or manages it in this deployment; ` +
        `a certificate can be managed by one resource only: keep adoptCertificateId: "${id}" on one resource and remove it from the others`,
    );
    expect(lines()).toEqual([`GET /zones/${zoneId}/client_certificates/${id}`]);
  });

  test("refuses to adopt a certificate that another resource of the deployment manages (seen by its diff)", async () => {
    const id = await issuedElsewhere();
    const deployment = provider();
    const { outs } = await provider().create(adopting(id));
    emulator.clearRequests();
    await deployment.diff(id, outs as unknown as Record<string, unknown>, { zoneId, csr, validityDays: 365 });
    await adoptionFailure(deployment.create(adopting(id)));
    expect(lines()).toEqual([]);
  });

  test("never takes an adopted certificate for a create whose answer was lost", async () => {
    const id = await issuedElsewhere({ validityDays: 90 });
    const deployment = provider();
    // The adopted certificate matches this create's CSR, validity and time window: only the ledger keeps it out.
    await deployment.create(adopting(id, { validityDays: 90 }));
    emulator.injectFault({ route: "create", kind: "ambiguous-create" });
    const { id: issued } = await deployment.create({ zoneId, csr, validityDays: 90 });
    expect(issued).not.toBe(id);
    expect(emulator.certificates(zoneId).map((certificate) => certificate.id)).toEqual([id, issued]);
  });
});

describe("adopting a certificate for a CSR this package would not send for issuance", () => {
  // Cloudflare signed these (the emulator does too); only a new issuance is held to the package's policy.
  test.each([
    { fixture: "ecdsa-p521" as const, refused: /^csr has an ECDSA key on curve secp521r1/ },
    { fixture: "rsa-2048-sha1" as const, refused: /^csr is signed with SHA-1, which is not accepted/ },
  ])("$fixture: check accepts it for adoption and for the adopted resource, not for a new issuance", async ({ fixture, refused }) => {
    const legacyCsr = csrFixture(fixture);
    const id = await issuedElsewhere({ csr: legacyCsr });
    const declared = { zoneId, csr: legacyCsr, validityDays: 365, adoptCertificateId: id };

    const adoptionCheck = await provider().check({}, declared);
    expect(adoptionCheck.failures).toEqual([]);
    const { outs } = await provider().create(adoptionCheck.inputs as ClientCertificateInputs);
    expect(outs).toMatchObject({ status: "active", validityDays: 365 });

    const later = await provider().check(adoptionCheck.inputs ?? {}, { zoneId, csr: legacyCsr, validityDays: 365 });
    expect(later.failures).toEqual([]);
    expect((await provider().diff(id, outs as unknown as Record<string, unknown>, later.inputs ?? {})).changes).toBe(false);

    const issuance = await provider().check({}, { zoneId, csr: legacyCsr, validityDays: 365 });
    expect(issuance.failures).toEqual([{ property: "csr", reason: expect.stringMatching(refused) }]);
  });
});

describe("an adopted certificate afterwards", () => {
  async function adopted(): Promise<{ id: string; outs: ClientCertificateOutputs }> {
    const id = await issuedElsewhere();
    const { outs } = await provider().create(adopting(id));
    emulator.clearRequests();
    return { id, outs: outs as ClientCertificateOutputs };
  }

  test("check drops adoptCertificateId once the resource exists, so changing or removing it is no diff", async () => {
    const { id, outs } = await adopted();
    const recordedInputs = { ...adopting(id), __provider: "exports.handler = …" };
    for (const news of [adopting(id), adopting("0".repeat(32)), { zoneId, csr, validityDays: 365 }]) {
      const { inputs, failures } = await provider().check(recordedInputs, news);
      expect(failures).toEqual([]);
      expect(inputs).toEqual({ zoneId, csr, validityDays: 365 });
      expect(await provider().diff(id, outs as unknown as Record<string, unknown>, inputs ?? {})).toEqual({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
    }
  });

  test("diff ignores adoptCertificateId even when it reaches it", async () => {
    const { id, outs } = await adopted();
    expect((await provider().diff(id, outs as unknown as Record<string, unknown>, adopting("1".repeat(32)))).changes).toBe(false);
  });

  test("a new CSR replaces it by issuing a certificate, never by adopting again", async () => {
    const { id } = await adopted();
    const { inputs } = await provider().check(adopting(id), adopting(id, { csr: csrFixture("ecdsa-p384") }));
    expect(inputs).not.toHaveProperty("adoptCertificateId");
    const { id: replacement } = await provider().create(inputs as ClientCertificateInputs);
    expect(replacement).not.toBe(id);
    expect(lines()).toEqual([`GET /zones/${zoneId}/client_certificates`, `POST /zones/${zoneId}/client_certificates`]);
  });

  test("refresh reads it back with stable inputs", async () => {
    const { id, outs } = await adopted();
    const read = await provider().read(id, outs);
    expect(read).toEqual({ id, props: outs, inputs: { zoneId, csr, validityDays: 365 } });
  });

  test("delete revokes it", async () => {
    const { id, outs } = await adopted();
    await provider().delete(id, outs);
    expect(lines()).toEqual([`DELETE /zones/${zoneId}/client_certificates/${id}`]);
    expect(emulator.certificates(zoneId)[0]?.status).toBe("pending_revocation");
  });
});

describe("check of adoptCertificateId", () => {
  const cases: Array<{ name: string; value: unknown; want: RegExp | undefined }> = [
    { name: "a certificate id", value: "9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f", want: undefined },
    { name: "an unknown preview value", value: UNKNOWN, want: undefined },
    { name: "an uppercase id", value: "9F2C4E0D8B7A4C1E9D3F6A5B2C1D0E9F", want: /^adoptCertificateId must be lowercase hex/ },
    {
      name: "a serial number instead of the id",
      value: "3bb94ff144ac567b9f75ad664b6c55f8d5e48182",
      want: /^adoptCertificateId must be 32 lowercase hex characters \(got 40 characters\)/,
    },
    {
      name: "an empty id",
      value: "",
      want: /^adoptCertificateId must not be empty; `npx pulumi-cloudflare-mtls list --zone <zone id>` lists the ids$/,
    },
    { name: "a number", value: 42, want: /^adoptCertificateId must be a string, got number/ },
  ];

  test.each(cases)("$name", async ({ value, want }) => {
    const { inputs, failures } = await provider().check({}, { zoneId, csr, validityDays: 365, adoptCertificateId: value });
    if (want === undefined) {
      expect(failures).toEqual([]);
      expect(inputs?.adoptCertificateId).toBe(value);
    } else {
      expect(failures).toEqual([{ property: "adoptCertificateId", reason: expect.stringMatching(want) }]);
    }
  });
});
