import Cloudflare, {
  APIConnectionError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from "cloudflare";
import { X509Certificate } from "node:crypto";
import { generateCsr } from "../helpers/csr";
import { eventually } from "../helpers/eventually";
import { withEmulator } from "../helpers/with-emulator";
import { startEmulator, type Emulator } from "../../emulator/index";

// The official SDK, unchanged, as the client: if it works here it works against Cloudflare's shapes.

const zone_id = "023e105f4ecef8ad9ca31a8372d0c353";
const missingId = "0".repeat(32);

let emulator: Emulator;
let client: Cloudflare;
let csr: string;

const sdk = (options: ConstructorParameters<typeof Cloudflare>[0] = {}) =>
  new Cloudflare({ apiToken: emulator.token, baseURL: emulator.baseUrl, maxRetries: 0, ...options });

beforeAll(async () => {
  emulator = await startEmulator({ revocationDelayMs: 60_000, reactivationDelayMs: 60_000 });
  client = sdk();
  csr = (await generateCsr({ commonName: "sdk.example.com", organization: "Example Inc", algorithm: "RSA-2048" })).csrPem;
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

describe("the official cloudflare SDK against the emulator", () => {
  test("creates and gets a certificate with every documented field", async () => {
    const created = await client.clientCertificates.create({ zone_id, csr, validity_days: 3650 });
    expect(created).toMatchObject({ common_name: "sdk.example.com", organization: "Example Inc", status: "active", validity_days: 3650 });
    expect(new X509Certificate(created.certificate ?? "").checkIssued(new X509Certificate(emulator.caCertificatePem))).toBe(true);
    const fetched = await client.clientCertificates.get(created.id ?? "", { zone_id });
    expect(fetched).toEqual(created);
    expect(Object.keys(fetched).sort()).toEqual(
      [
        "certificate",
        "certificate_authority",
        "common_name",
        "country",
        "csr",
        "expires_on",
        "fingerprint_sha256",
        "id",
        "issued_on",
        "location",
        "organization",
        "organizational_unit",
        "serial_number",
        "signature",
        "ski",
        "state",
        "status",
        "validity_days",
      ].sort(),
    );
  });

  test("auto-paginates a filtered list, stopping at the first empty page", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 12; index++) {
      ids.push((await client.clientCertificates.create({ zone_id, csr, validity_days: 30 })).id ?? "");
    }
    emulator.revokeOutOfBand(ids[0] ?? "", { immediately: true });
    emulator.clearRequests();

    const active: string[] = [];
    for await (const certificate of client.clientCertificates.list({ zone_id, status: "active", per_page: 5 })) {
      active.push(certificate.id ?? "");
    }
    expect(active).toEqual(ids.slice(1));
    expect(emulator.requests().map((request) => request.query)).toEqual(
      [1, 2, 3, 4].map((page) => ({ status: "active", per_page: "5", ...(page === 1 ? {} : { page: String(page) }) })),
    );

    const firstPage = await client.clientCertificates.list({ zone_id, status: "all", per_page: 5, page: 3 });
    expect(firstPage.result).toHaveLength(2);
    expect(firstPage.result_info).toEqual({ page: 3, per_page: 5, count: 2, total_count: 12, total_pages: 3 });
  });

  test("reactivates with edit while a revocation is pending, through pending_reactivation to active", async () => {
    await withEmulator({ revocationDelayMs: 60_000, reactivationDelayMs: 50 }, async (own) => {
      const ownClient = new Cloudflare({ apiToken: own.token, baseURL: own.baseUrl, maxRetries: 0 });
      const { id = "" } = await ownClient.clientCertificates.create({ zone_id, csr, validity_days: 30 });
      expect((await ownClient.clientCertificates.delete(id, { zone_id })).status).toBe("pending_revocation");
      expect((await ownClient.clientCertificates.edit(id, { zone_id, reactivate: true })).status).toBe("pending_reactivation");
      await eventually(async () => ((await ownClient.clientCertificates.get(id, { zone_id })).status === "active" ? true : undefined));
    });
  });

  test("revokes with delete, through pending_revocation to revoked, and lists it by that status", async () => {
    await withEmulator({ revocationDelayMs: 50 }, async (own) => {
      const ownClient = new Cloudflare({ apiToken: own.token, baseURL: own.baseUrl, maxRetries: 0 });
      const { id = "" } = await ownClient.clientCertificates.create({ zone_id, csr, validity_days: 30 });
      expect((await ownClient.clientCertificates.delete(id, { zone_id })).status).toBe("pending_revocation");
      await eventually(async () => ((await ownClient.clientCertificates.get(id, { zone_id })).status === "revoked" ? true : undefined));
      const listed = await ownClient.clientCertificates.list({ zone_id, status: "revoked" });
      expect(listed.result.map((certificate) => certificate.id)).toEqual([id]);
    });
  });

  test("edit without reactivate sends {} and reactivates too", async () => {
    const { id = "" } = await client.clientCertificates.create({ zone_id, csr, validity_days: 30 });
    emulator.revokeOutOfBand(id);
    expect((await client.clientCertificates.edit(id, { zone_id })).status).toBe("pending_reactivation");
    expect(emulator.requests().at(-1)?.body).toEqual({});
  });

  test("raises NotFoundError carrying code 1415 for an unknown certificate", async () => {
    const error = await client.clientCertificates.get(missingId, { zone_id }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
    expect((error as NotFoundError).errors).toEqual([{ code: 1415, message: "Invalid Certificate ID" }]);
  });

  test("raises BadRequestError carrying code 1407 when deleting a revoked certificate", async () => {
    const { id = "" } = await client.clientCertificates.create({ zone_id, csr, validity_days: 30 });
    emulator.revokeOutOfBand(id, { immediately: true });
    const error = await client.clientCertificates.delete(id, { zone_id }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).errors.map((entry) => entry.code)).toEqual([1407]);
  });

  test("raises BadRequestError for a CSR that does not parse", async () => {
    const error = await client.clientCertificates
      .create({ zone_id, csr: "nonsense", validity_days: 30 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).errors.map((entry) => entry.code)).toEqual([1402]);
  });

  test("raises PermissionDeniedError with code 10000 for a wrong token", async () => {
    const error = await sdk({ apiToken: "wrong-token" })
      .clientCertificates.get(missingId, { zone_id })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).errors).toEqual([{ code: 10000, message: "Authentication error" }]);
  });

  test("authenticates with an API key and email", async () => {
    await withEmulator({ apiKey: "global-key", email: "ops@example.com" }, async (keyed) => {
      const keyClient = new Cloudflare({ apiKey: "global-key", apiEmail: "ops@example.com", baseURL: keyed.baseUrl, maxRetries: 0 });
      await expect(keyClient.clientCertificates.list({ zone_id })).resolves.toBeDefined();
      const wrong = new Cloudflare({ apiKey: "other-key", apiEmail: "ops@example.com", baseURL: keyed.baseUrl, maxRetries: 0 });
      await expect(wrong.clientCertificates.list({ zone_id })).rejects.toBeInstanceOf(PermissionDeniedError);
    });
  });

  test("raises RateLimitError with the Retry-After header for a 429", async () => {
    emulator.injectFault({ route: "list", kind: "rate-limit", retryAfterSeconds: 42 });
    const error = await client.clientCertificates.list({ zone_id }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers?.get("retry-after")).toBe("42");
    expect((error as RateLimitError).errors.map((entry) => entry.code)).toEqual([971]);
  });

  test("retries 5xx and dropped connections on its own, as it would against Cloudflare", async () => {
    emulator.injectFault({ route: "list", kind: "status", status: 503, retryAfterSeconds: 0 });
    emulator.injectFault({ route: "list", kind: "reset" });
    const retrying = sdk({ maxRetries: 2 });
    await expect(retrying.clientCertificates.list({ zone_id })).resolves.toBeDefined();
    expect(emulator.requests().map((request) => request.status)).toEqual([503, null, 200]);
  });

  test("raises InternalServerError for an injected 500 and APIConnectionError for a reset", async () => {
    emulator.injectFault({ route: "get", kind: "status", status: 500 });
    await expect(client.clientCertificates.get(missingId, { zone_id })).rejects.toBeInstanceOf(InternalServerError);
    emulator.injectFault({ route: "get", kind: "reset" });
    await expect(client.clientCertificates.get(missingId, { zone_id })).rejects.toBeInstanceOf(APIConnectionError);
  });
});
