import * as pulumi from "@pulumi/pulumi";
import { AdoptionError, ClientCertificate } from "../provider";
import { clientCertificateFields } from "../provider/client-certificate-fields";
import { csrFixture } from "./fixtures/csr-fixtures";

// The resource class as a program uses it, registered with the SDK's mock engine. Transformations
// see the options the resource passes to the engine, so they show which outputs it marks secret.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const registered: { type: string; name: string; secretOutputs: string[] | undefined; id: pulumi.Input<string> | undefined }[] = [];
/** The inputs the engine received, by resource name. */
const engineInputs = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  await pulumi.runtime.setMocks({
    newResource: ({ inputs, name }) => {
      engineInputs.set(name, inputs);
      return {
        id: `${name}-id`,
        state: { ...inputs, certificate: "-----BEGIN CERTIFICATE-----…", status: "active", serialNumber: "0a1b" },
      };
    },
    call: () => ({}),
  });
});

function recordRegistration(args: pulumi.ResourceTransformationArgs): undefined {
  const opts = args.opts as pulumi.CustomResourceOptions;
  registered.push({ type: args.type, name: args.name, secretOutputs: opts.additionalSecretOutputs, id: opts.id });
  return undefined;
}

function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("ClientCertificate", () => {
  test("registers as a dynamic cloudflare-mtls resource whose certificate output is secret", async () => {
    const certificate = new ClientCertificate(
      "secret-pem",
      { zoneId, csr: csrFixture("ecdsa-p256"), validityDays: 30 },
      { transformations: [recordRegistration] },
    );
    await settled(certificate.urn);
    expect(registered.find((entry) => entry.name === "secret-pem")).toEqual({
      type: "pulumi-nodejs:dynamic/cloudflare-mtls:ClientCertificate",
      name: "secret-pem",
      secretOutputs: ["certificate"],
      id: undefined,
    });
  });

  test("registers with Error.stackTraceLimit at 0, so the SDK's per-property promise traces cost nothing, and restores it", async () => {
    const limits: number[] = [];
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 17;
    try {
      const certificate = new ClientCertificate(
        "trace-limit",
        { zoneId, csr: csrFixture("ecdsa-p256"), validityDays: 30 },
        { transformations: [() => void limits.push(Error.stackTraceLimit)] },
      );
      expect(Error.stackTraceLimit).toBe(17);
      await settled(certificate.urn);
      expect(limits).toEqual([0]);
    } finally {
      Error.stackTraceLimit = before;
    }
  });

  test("restores Error.stackTraceLimit when registration throws", () => {
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 17;
    try {
      const failing = (): never => {
        throw new Error("transformation failed");
      };
      expect(
        () =>
          new ClientCertificate(
            "trace-limit-throws",
            { zoneId, csr: csrFixture("ecdsa-p256"), validityDays: 30 },
            { transformations: [failing] },
          ),
      ).toThrow("transformation failed");
      expect(Error.stackTraceLimit).toBe(17);
    } finally {
      Error.stackTraceLimit = before;
    }
  });

  test("keeps the caller's own secret outputs beside the certificate", async () => {
    const certificate = new ClientCertificate(
      "caller-secrets",
      { zoneId, csr: csrFixture("ecdsa-p256"), validityDays: 30 },
      { additionalSecretOutputs: ["serialNumber"], transformations: [recordRegistration] },
    );
    await settled(certificate.urn);
    expect(registered.find((entry) => entry.name === "caller-secrets")?.secretOutputs).toEqual(["serialNumber", "certificate"]);
  });

  test("sends every argument to the engine, and has an output for every field, assigned from the engine's state", async () => {
    const args = {
      zoneId,
      csr: csrFixture("ecdsa-p256"),
      validityDays: 30,
      renewBeforeDays: 7,
      adoptCertificateId: "0123456789abcdef0123456789abcdef",
      coexistingCertificateIds: ["fedcba9876543210fedcba9876543210"],
    };
    const certificate = new ClientCertificate("all-arguments", args);
    await settled(certificate.urn);
    const { __provider, ...sent } = engineInputs.get("all-arguments") ?? {};
    expect(typeof __provider).toBe("string");
    expect(sent).toEqual(args);
    const outputs = certificate as unknown as Record<string, unknown>;
    for (const field of Object.keys(clientCertificateFields)) {
      expect([field, pulumi.Output.isInstance(outputs[field])]).toEqual([field, true]);
    }
    expect(await settled(certificate.serialNumber)).toBe("0a1b");
    expect(await settled(certificate.status)).toBe("active");
  });

  test("two certificates adopting the same id fail the program, naming both, before the second registers", async () => {
    const adopted = "00112233445566778899aabbccddeeff";
    const first = new ClientCertificate("first-adopter", {
      zoneId,
      csr: csrFixture("ecdsa-p256"),
      validityDays: 30,
      adoptCertificateId: adopted,
    });
    await settled(first.urn);
    let error: unknown;
    try {
      new ClientCertificate(
        "second-adopter",
        { zoneId, csr: csrFixture("ecdsa-p256"), validityDays: 30, adoptCertificateId: adopted },
        { transformations: [recordRegistration] },
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AdoptionError);
    expect((error as Error).message).toMatch(
      /^ClientCertificate "second-adopter" and "first-adopter" both adopt client certificate 00112233445566778899aabbccddeeff: /,
    );
    expect(registered.some((entry) => entry.name === "second-adopter")).toBe(false);
  });

  test("ClientCertificate.get reads by id and still marks the certificate secret", async () => {
    const existing = ClientCertificate.get(
      "read-only",
      "0123456789abcdef0123456789abcdef",
      { zoneId },
      { transformations: [recordRegistration] },
    );
    await settled(existing.urn);
    expect(registered.find((entry) => entry.name === "read-only")).toEqual({
      type: "pulumi-nodejs:dynamic/cloudflare-mtls:ClientCertificate",
      name: "read-only",
      secretOutputs: ["certificate"],
      id: "0123456789abcdef0123456789abcdef",
    });
  });
});
