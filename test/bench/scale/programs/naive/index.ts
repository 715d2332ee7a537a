import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";

// The baseline a user writes in ten minutes: one shared plain-object provider, one fetch per
// operation, no validation, no retries, credentials from the environment.
async function call(method: string, path: string, body?: unknown): Promise<{ id: string; status: string }> {
  const response = await fetch(`${process.env["CLOUDFLARE_BASE_URL"]}/${path}`, {
    method,
    headers: { authorization: `Bearer ${process.env["CLOUDFLARE_API_TOKEN"]}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const envelope = (await response.json()) as { success: boolean; errors: unknown; result: { id: string; status: string } };
  if (!envelope.success) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(envelope.errors)}`);
  return envelope.result;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const result = await call("POST", `zones/${inputs.zoneId}/client_certificates`, {
      csr: inputs.csr,
      validity_days: inputs.validityDays,
    });
    return { id: result.id, outs: { ...inputs, status: result.status } };
  },
  async read(id, props) {
    const result = await call("GET", `zones/${props.zoneId}/client_certificates/${id}`);
    return { id, props: { ...props, status: result.status } };
  },
  async delete(id, props) {
    await call("DELETE", `zones/${props.zoneId}/client_certificates/${id}`);
  },
};

class NaiveCertificate extends pulumi.dynamic.Resource {
  constructor(name: string, args: { zoneId: string; csr: string; validityDays: number }) {
    super(provider, name, { ...args, status: undefined }, undefined, "naive", "Certificate");
  }
}

const config = new pulumi.Config();
const csrs = JSON.parse(readFileSync("csrs.json", "utf8")) as string[];
for (let index = 0; index < config.requireNumber("count"); index++) {
  new NaiveCertificate(`certificate-${index}`, { zoneId: config.require("zoneId"), csr: csrs[index] ?? "", validityDays: 365 });
}
