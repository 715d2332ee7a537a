import * as pulumi from "@pulumi/pulumi";
import { HostnameAssociation } from "../provider";

// The resource class as a program uses it, registered with the SDK's mock engine, which records the
// inputs and options the resource sends and returns the inputs as its state.

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const byoCa = "7a1b6c7d-1b2c-4d5e-8f90-a1b2c3d4e5f6";
const sent: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
const registeredOptions: { name: string; protect: boolean | undefined }[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks({
    newResource: ({ type, name, inputs }) => {
      sent.push({ type, name, inputs });
      return {
        id: `${name}-id`,
        state: { ...inputs, missingHostnames: [], unexpectedHostnames: [], associatedHostnames: inputs["hostnames"] },
      };
    },
    call: () => ({}),
  });
});

function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

test("registers as a dynamic cloudflare-mtls resource with every argument as an input, and exposes the state as outputs", async () => {
  const association = new HostnameAssociation(
    "api",
    { zoneId, hostnames: [pulumi.output("api.example.com")], mtlsCertificateId: byoCa, exclusive: true },
    { protect: true, transformations: [(args) => void registeredOptions.push({ name: args.name, protect: args.opts.protect })] },
  );
  const [zone, hostnames, ca, exclusive, associated] = await Promise.all([
    settled(association.zoneId),
    settled(association.hostnames),
    settled(association.mtlsCertificateId),
    settled(association.exclusive),
    settled(association.associatedHostnames),
  ]);
  expect({ zone, hostnames, ca, exclusive, associated }).toEqual({
    zone: zoneId,
    hostnames: ["api.example.com"],
    ca: byoCa,
    exclusive: true,
    associated: ["api.example.com"],
  });
  const registration = sent.find((entry) => entry.name === "api");
  expect(registration?.type).toBe("pulumi-nodejs:dynamic/cloudflare-mtls:HostnameAssociation");
  expect(registration?.inputs).toMatchObject({ zoneId, hostnames: ["api.example.com"], mtlsCertificateId: byoCa, exclusive: true });
  expect(typeof registration?.inputs["__provider"]).toBe("string");
  expect(registeredOptions).toContainEqual({ name: "api", protect: true });
});

test("only the arguments given are sent as inputs, and the outputs only the provider computes exist on the resource", async () => {
  const association = new HostnameAssociation("outputs", { zoneId, hostnames: ["b.example.com"] });
  await settled(association.urn);
  const registration = sent.find((entry) => entry.name === "outputs");
  expect(Object.keys(registration?.inputs ?? {}).sort()).toEqual(["__provider", "hostnames", "zoneId"]);
  expect(await settled(association.missingHostnames)).toEqual([]);
  expect(await settled(association.unexpectedHostnames)).toEqual([]);
});
