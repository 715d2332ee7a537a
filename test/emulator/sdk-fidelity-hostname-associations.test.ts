import Cloudflare, { BadRequestError, NotFoundError } from "cloudflare";
import { startEmulator, type Emulator } from "../../emulator/index";

// The official SDK, unchanged, on the hostname-associations endpoints.

const zone_id = "023e105f4ecef8ad9ca31a8372d0c353";
const mtls_certificate_id = "7a1b6c7d-1b2c-4d5e-8f90-a1b2c3d4e5f6";

let emulator: Emulator;
let client: Cloudflare;

beforeAll(async () => {
  emulator = await startEmulator({ mtlsCertificates: [mtls_certificate_id] });
  client = new Cloudflare({ apiToken: emulator.token, baseURL: emulator.baseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

describe("the official cloudflare SDK's certificateAuthorities.hostnameAssociations against the emulator", () => {
  test("update replaces and get reads the managed CA's hostnames", async () => {
    expect(await client.certificateAuthorities.hostnameAssociations.get({ zone_id })).toEqual({ hostnames: [] });
    const updated = await client.certificateAuthorities.hostnameAssociations.update({
      zone_id,
      hostnames: ["a.example.com", "b.example.com"],
    });
    expect(updated).toEqual({ hostnames: ["a.example.com", "b.example.com"] });
    await client.certificateAuthorities.hostnameAssociations.update({ zone_id, hostnames: ["b.example.com"] });
    expect(await client.certificateAuthorities.hostnameAssociations.get({ zone_id })).toEqual({ hostnames: ["b.example.com"] });
    expect(emulator.requests().map((request) => `${request.method} ${request.path} ${JSON.stringify(request.query)}`)).toEqual([
      `GET /client/v4/zones/${zone_id}/certificate_authorities/hostname_associations {}`,
      `PUT /client/v4/zones/${zone_id}/certificate_authorities/hostname_associations {}`,
      `PUT /client/v4/zones/${zone_id}/certificate_authorities/hostname_associations {}`,
      `GET /client/v4/zones/${zone_id}/certificate_authorities/hostname_associations {}`,
    ]);
  });

  test("a BYO CA travels as mtls_certificate_id: in the body of update and the query of get", async () => {
    await client.certificateAuthorities.hostnameAssociations.update({ zone_id, hostnames: ["byo.example.com"], mtls_certificate_id });
    expect(await client.certificateAuthorities.hostnameAssociations.get({ zone_id, mtls_certificate_id })).toEqual({
      hostnames: ["byo.example.com"],
    });
    expect(await client.certificateAuthorities.hostnameAssociations.get({ zone_id })).toEqual({ hostnames: [] });
    const [put, read] = emulator.requests();
    expect(put?.body).toEqual({ hostnames: ["byo.example.com"], mtls_certificate_id });
    expect(read?.query).toEqual({ mtls_certificate_id });
  });

  test("an empty list removes every association", async () => {
    await client.certificateAuthorities.hostnameAssociations.update({ zone_id, hostnames: ["a.example.com"] });
    expect(await client.certificateAuthorities.hostnameAssociations.update({ zone_id, hostnames: [] })).toEqual({ hostnames: [] });
    expect(emulator.hostnameAssociations(zone_id)).toEqual([]);
  });

  test("errors map to the SDK's error classes", async () => {
    const unknown = client.certificateAuthorities.hostnameAssociations.get({ zone_id, mtls_certificate_id: "0".repeat(32) });
    await expect(unknown).rejects.toBeInstanceOf(NotFoundError);
    const invalid = client.certificateAuthorities.hostnameAssociations.update({ zone_id, hostnames: ["not a hostname"] });
    await expect(invalid).rejects.toBeInstanceOf(BadRequestError);
    await expect(invalid).rejects.toMatchObject({ status: 400, errors: [{ code: 1420 }] });
  });
});
