import { callApi } from "../helpers/call-api";
import { generateCsr } from "../helpers/csr";
import { eventually } from "../helpers/eventually";
import { withEmulator } from "../helpers/with-emulator";
import type { CertificateStatus, Emulator } from "../../emulator/index";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const otherZoneId = "a".repeat(32);
const collection = `/zones/${zoneId}/client_certificates`;
const missingId = "0".repeat(32);

async function create(emulator: Emulator): Promise<string> {
  const { csrPem } = await generateCsr({ commonName: "lifecycle.example.com" });
  const { envelope } = await callApi(emulator, { method: "POST", path: collection, body: { csr: csrPem, validity_days: 30 } });
  return envelope.result?.id ?? "";
}

async function statusOf(emulator: Emulator, id: string): Promise<CertificateStatus | undefined> {
  return (await callApi(emulator, { path: `${collection}/${id}` })).envelope.result?.status;
}

const until = (emulator: Emulator, id: string, wanted: CertificateStatus) =>
  eventually(async () => ((await statusOf(emulator, id)) === wanted ? wanted : undefined));

describe("revocation (DELETE)", () => {
  test("answers with the certificate in pending_revocation, which becomes revoked after the delay", async () => {
    await withEmulator({ revocationDelayMs: 50 }, async (emulator) => {
      const id = await create(emulator);
      const reply = await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      expect(reply.status).toBe(200);
      expect(reply.envelope.result).toMatchObject({ id, status: "pending_revocation" });
      await until(emulator, id, "revoked");
      expect(emulator.certificates(zoneId)[0]?.status).toBe("revoked");
    });
  });

  test("keeps a revoked certificate listed and readable", async () => {
    await withEmulator({ revocationDelayMs: 0 }, async (emulator) => {
      const id = await create(emulator);
      await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      expect(await statusOf(emulator, id)).toBe("revoked");
      const listed = (await callApi<{ id: string; status: string }[]>(emulator, { path: collection })).envelope.result;
      expect(listed).toEqual([expect.objectContaining({ id, status: "revoked" })]);
    });
  });

  test("refuses to revoke a revoked certificate again with code 1407", async () => {
    await withEmulator({ revocationDelayMs: 0 }, async (emulator) => {
      const id = await create(emulator);
      await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      const again = await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      expect(again.status).toBe(400);
      expect(again.envelope).toMatchObject({ success: false, result: null, errors: [{ code: 1407 }] });
    });
  });

  test("repeating DELETE while pending keeps the original deadline", async () => {
    await withEmulator({ revocationDelayMs: 60_000 }, async (emulator) => {
      const id = await create(emulator);
      await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      const firstChange = emulator.certificates(zoneId)[0]?.statusChangedAt;
      const again = await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      expect(again.envelope.result?.status).toBe("pending_revocation");
      expect(emulator.certificates(zoneId)[0]?.statusChangedAt).toBe(firstChange);
    });
  });

  test("stays pending for as long as the delay says, Infinity included", async () => {
    await withEmulator({ revocationDelayMs: Infinity }, async (emulator) => {
      const id = await create(emulator);
      await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await statusOf(emulator, id)).toBe("pending_revocation");
    });
  });
});

describe("reactivation (PATCH)", () => {
  test("moves a pending_revocation certificate to pending_reactivation, then active after the delay", async () => {
    await withEmulator({ revocationDelayMs: 60_000, reactivationDelayMs: 50 }, async (emulator) => {
      const id = await create(emulator);
      await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      const reply = await callApi(emulator, { method: "PATCH", path: `${collection}/${id}`, body: { reactivate: true } });
      expect(reply.status).toBe(200);
      expect(reply.envelope.result).toMatchObject({ id, status: "pending_reactivation" });
      await until(emulator, id, "active");
    });
  });

  test("reactivates with an empty object too, as the reference's example sends no body", async () => {
    await withEmulator({ revocationDelayMs: 60_000, reactivationDelayMs: 60_000 }, async (emulator) => {
      const id = await create(emulator);
      await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
      const reply = await callApi(emulator, { method: "PATCH", path: `${collection}/${id}`, body: {} });
      expect(reply.envelope.result?.status).toBe("pending_reactivation");
    });
  });

  test.each([
    { name: "an active certificate", prepare: async () => undefined, status: "active" },
    {
      name: "a revoked certificate",
      prepare: async (emulator: Emulator, id: string) => {
        emulator.revokeOutOfBand(id, { immediately: true });
      },
      status: "revoked",
    },
  ])("refuses to reactivate $name with code 1406", async ({ prepare, status }) => {
    await withEmulator(async (emulator) => {
      const id = await create(emulator);
      await prepare(emulator, id);
      const reply = await callApi(emulator, { method: "PATCH", path: `${collection}/${id}`, body: { reactivate: true } });
      expect(reply.status).toBe(400);
      expect(reply.envelope).toMatchObject({ success: false, result: null, errors: [{ code: 1406 }] });
      expect(reply.envelope.errors[0]?.message).toContain(`this one is ${status}`);
      expect(await statusOf(emulator, id)).toBe(status);
    });
  });

  test.each([{ body: { reactivate: false } }, { body: { reactivate: "yes" } }, { body: "not json" }])(
    "refuses the body $body",
    async ({ body }) => {
      await withEmulator({ revocationDelayMs: 60_000 }, async (emulator) => {
        const id = await create(emulator);
        await callApi(emulator, { method: "DELETE", path: `${collection}/${id}` });
        const reply = await callApi(emulator, { method: "PATCH", path: `${collection}/${id}`, body });
        expect(reply.status).toBe(400);
        expect(reply.envelope.errors[0]?.code).toBe(typeof body === "string" ? 1400 : 1408);
        expect(await statusOf(emulator, id)).toBe("pending_revocation");
      });
    },
  );
});

describe("unknown certificates", () => {
  test.each([
    { method: "GET", body: undefined },
    { method: "PATCH", body: { reactivate: true } },
    { method: "DELETE", body: undefined },
  ])("$method of an id that does not exist answers 404 with code 1415", async ({ method, body }) => {
    await withEmulator(async (emulator) => {
      const reply = await callApi(emulator, { method, path: `${collection}/${missingId}`, body });
      expect(reply.status).toBe(404);
      expect(reply.envelope).toEqual({
        success: false,
        errors: [{ code: 1415, message: "Invalid Certificate ID" }],
        messages: [],
        result: null,
      });
    });
  });

  test("a certificate of another zone is not found either", async () => {
    await withEmulator(async (emulator) => {
      const id = await create(emulator);
      const reply = await callApi(emulator, { path: `/zones/${otherZoneId}/client_certificates/${id}` });
      expect(reply.status).toBe(404);
      expect(reply.envelope.errors[0]?.code).toBe(1415);
    });
  });
});

describe("out-of-band changes", () => {
  test("revokeOutOfBand starts a revocation the API then reports, and deleteOutOfBand makes the id unknown", async () => {
    await withEmulator({ revocationDelayMs: 60_000 }, async (emulator) => {
      const id = await create(emulator);
      emulator.revokeOutOfBand(id);
      expect(await statusOf(emulator, id)).toBe("pending_revocation");
      emulator.revokeOutOfBand(id, { immediately: true });
      expect(await statusOf(emulator, id)).toBe("revoked");
      emulator.deleteOutOfBand(id);
      expect((await callApi(emulator, { path: `${collection}/${id}` })).status).toBe(404);
      expect(() => emulator.deleteOutOfBand(id)).toThrow(`the emulator has no certificate ${id}`);
      expect(() => emulator.revokeOutOfBand(id)).toThrow(`the emulator has no certificate ${id}`);
    });
  });
});
