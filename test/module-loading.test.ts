import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { csrFixture } from "./fixtures/csr-fixtures";

// What a provider process loads for each operation: @peculiar/x509 (about 180 ms of CPU) only to
// inspect a CSR it has not seen, got (about 190 ms) only to talk to the API. Checked in a fresh Node
// process on the built package, as the dynamic-provider host runs it; the hook sees require and import.

const providerModule = join(__dirname, "..", "dist", "provider", "client-certificate-provider.js");
const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const inputs = { zoneId, csr: csrFixture("ecdsa-p256"), validityDays: 365 };

/** Runs `operations` against a fresh provider and returns which of the heavy packages were loaded. */
function packagesLoadedBy(operations: string): { x509: boolean; got: boolean } {
  const script = `
    const loaded = new Set();
    require("node:module").registerHooks({
      resolve(specifier, context, next) {
        const match = /^(@peculiar\\/x509|got)(\\/|$)/.exec(specifier);
        if (match) loaded.add(match[1]);
        return next(specifier, context);
      },
    });
    const { ClientCertificateProvider } = require(${JSON.stringify(providerModule)});
    const provider = new ClientCertificateProvider();
    const inputs = ${JSON.stringify(inputs)};
    (async () => {
      ${operations}
      console.log(JSON.stringify({ x509: loaded.has("@peculiar/x509"), got: loaded.has("got") }));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  return JSON.parse(
    execFileSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, CLOUDFLARE_API_TOKEN: "" } }),
  );
}

test("a preview of an unchanged certificate (check with its recorded inputs, then diff) loads neither @peculiar/x509 nor got", () => {
  const recorded = `{ ...inputs, csr: inputs.csr.replace(/\\n/g, "\\r\\n") }`;
  expect(
    packagesLoadedBy(`
      const { failures } = await provider.check(inputs, ${recorded});
      if (failures.length > 0) throw new Error(JSON.stringify(failures));
      const { changes } = await provider.diff("00000000000000000000000000000001", { ...inputs, status: "active" }, inputs);
      if (changes) throw new Error("diff reported changes");`),
  ).toEqual({ x509: false, got: false });
});

test("checking a new certificate's CSR loads @peculiar/x509, and still not got", () => {
  expect(
    packagesLoadedBy(`
      const { failures } = await provider.check({}, inputs);
      if (failures.length > 0) throw new Error(JSON.stringify(failures));`),
  ).toEqual({ x509: true, got: false });
});
