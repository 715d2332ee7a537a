import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Emulator } from "../../emulator";

/**
 * The provider process's first operation, cold: from the moment the provider's module is required to
 * the end of the first create (with ours, the check before it too), in a fresh Node process, as the
 * dynamic-provider host runs it. The naive baseline is one `fetch` POST with no validation.
 */
export async function firstOperationMs(
  emulator: Emulator,
  repository: string,
  csr: string,
): Promise<{ ours: number; naive: number; oursUnchanged: number; host: number }> {
  const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
  const env = {
    ...process.env,
    CLOUDFLARE_API_TOKEN: emulator.token,
    CLOUDFLARE_BASE_URL: emulator.baseUrl,
  };
  const ours = `
    const start = performance.now();
    const { ClientCertificateProvider } = require("pulumi-cloudflare-mtls/dist/provider/client-certificate-provider.js");
    (async () => {
      const provider = new ClientCertificateProvider();
      const { inputs } = await provider.check({}, JSON.parse(process.env.INPUTS));
      await provider.create(inputs);
      console.log(performance.now() - start);
    })();`;
  // A preview of a certificate that exists and did not change: check with its recorded inputs, then diff.
  const oursUnchanged = `
    const start = performance.now();
    const { ClientCertificateProvider } = require("pulumi-cloudflare-mtls/dist/provider/client-certificate-provider.js");
    (async () => {
      const provider = new ClientCertificateProvider();
      const recorded = JSON.parse(process.env.INPUTS);
      const { inputs } = await provider.check(recorded, recorded);
      await provider.diff("00000000000000000000000000000001", { ...inputs, status: "active" }, inputs);
      console.log(performance.now() - start);
    })();`;
  // What the dynamic-provider host loads before any provider code runs, the same for every provider.
  const host = `
    const start = performance.now();
    require("@pulumi/pulumi");
    console.log(performance.now() - start);`;
  const naive = `
    const start = performance.now();
    (async () => {
      const inputs = JSON.parse(process.env.INPUTS);
      const response = await fetch(process.env.CLOUDFLARE_BASE_URL + "/zones/" + inputs.zoneId + "/client_certificates", {
        method: "POST",
        headers: { authorization: "Bearer " + process.env.CLOUDFLARE_API_TOKEN, "content-type": "application/json" },
        body: JSON.stringify({ csr: inputs.csr, validity_days: inputs.validityDays }),
      });
      if (!(await response.json()).success) throw new Error("create failed");
      console.log(performance.now() - start);
    })();`;
  // Asynchronously: the emulator answering the child runs in this process.
  // Each run with its own validity: a second active certificate for the same CSR and validity, issued
  // within the day, is what the create pre-check refuses to add beside one it cannot account for.
  const run = async (script: string, validityDays: number) =>
    Number(
      (
        await promisify(execFile)(process.execPath, ["-e", script], {
          cwd: repository,
          env: { ...env, INPUTS: JSON.stringify({ zoneId, csr, validityDays }) },
          encoding: "utf8",
        })
      ).stdout.trim(),
    );
  let validityDays = 30;
  const median = async (script: string) => {
    const runs: number[] = [];
    for (let index = 0; index < 5; index++) runs.push(await run(script, validityDays++));
    return runs.sort((a, b) => a - b)[2] ?? 0;
  };
  return { ours: await median(ours), naive: await median(naive), oursUnchanged: await median(oursUnchanged), host: await median(host) };
}
