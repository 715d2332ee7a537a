import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { CertificateRequestInputs, CertificateRequestOutputs } from "../provider/certificate-request-provider";
import { projectWithInstalledPackage } from "./helpers/installed-package";

// The provider-serialization tests rebuild providers from text and run check and diff. A CertificateRequest
// does its work in create, which loads @peculiar/x509 and reflect-metadata with import(); this runs create
// in a plain Node process on the rebuilt provider, as the dynamic-provider host does on the first `up`.

const repo = join(__dirname, "..");
const serializeScript = join(__dirname, "serialization", "serialize-provider.cjs");

/** Loads the text as cmd/dynamic-provider does, then runs check and create, and the diff and read of later runs. */
const hostScript = `
const requireFromString = require(require.resolve("require-from-string", { paths: [process.cwd(), require.resolve("@pulumi/pulumi")] }));
(async () => {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  const provider = requireFromString(text).handler();
  const news = { subject: { commonName: "api-client.example.com" }, __provider: text };
  const checked = await provider.check({}, news);
  const created = await provider.create(checked.inputs);
  const stored = { ...created.outs, __provider: text };
  const diff = await provider.diff(created.id, stored, { ...checked.inputs, __provider: text });
  const read = await provider.read(created.id, stored);
  // The host skips a missing delete; a provider that forwards it must not fail on it.
  await provider.delete(created.id, stored);
  process.stdout.write(JSON.stringify({ checked, created, diff, read }));
})().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
`;

interface HostResult {
  checked: pulumi.dynamic.CheckResult<CertificateRequestInputs>;
  created: pulumi.dynamic.CreateResult<CertificateRequestOutputs>;
  diff: pulumi.dynamic.DiffResult;
  read: pulumi.dynamic.ReadResult<CertificateRequestOutputs>;
}

/** Serializes `new CertificateRequestProvider()` from `moduleName`, or, without a class, the module's export itself. */
function serialize(cwd: string, moduleName: string, className?: string): string {
  const output = execFileSync(process.execPath, [serializeScript, moduleName, ...(className === undefined ? [] : [className])], {
    cwd,
    encoding: "utf8",
  });
  return (JSON.parse(output) as { text: string }).text;
}

function host(cwd: string, text: string): HostResult {
  return JSON.parse(execFileSync(process.execPath, ["-e", hostScript], { cwd, input: text, encoding: "utf8" })) as HostResult;
}

describe.each<{ layout: string; project: () => string; moduleName: string; className?: string; maxBytes?: number }>([
  {
    layout: "the repository (provider inlined by value)",
    project: () => repo,
    moduleName: "./dist/provider/index.js",
    className: "CertificateRequestProvider",
  },
  {
    layout: "an installed package (provider referenced by require)",
    project: () => projectWithInstalledPackage("mtls-certificate-request-"),
    moduleName: "pulumi-cloudflare-mtls",
    className: "CertificateRequestProvider",
  },
  // What the resources serialize: the module whose export is their one shared provider.
  {
    layout: "the resources' shared provider of an installed package",
    project: () => projectWithInstalledPackage("mtls-certificate-request-"),
    moduleName: "pulumi-cloudflare-mtls/dist/provider/certificate-request-provider-reference.js",
    maxBytes: 2048,
  },
  {
    layout:
      "the resources' shared provider of a program in the repository (examples, the demo: the copy \`npm run build\` puts in node_modules)",
    project: () => repo,
    moduleName: "pulumi-cloudflare-mtls/dist/provider/certificate-request-provider-reference.js",
    maxBytes: 2048,
  },
  // A program that imports the package's files by path, outside node_modules: inlined by value.
  {
    layout: "the resources' shared provider imported by path (inlined by value)",
    project: () => repo,
    moduleName: "./dist/provider/certificate-request-provider-reference.js",
    maxBytes: 4096,
  },
])("CertificateRequestProvider serialized from $layout", ({ project, moduleName, className, maxBytes }) => {
  let cwd: string;
  let text: string;
  let hosted: HostResult;

  beforeAll(() => {
    cwd = project();
    text = serialize(cwd, moduleName, className);
    console.log(`__provider for CertificateRequest from ${moduleName}: ${Buffer.byteLength(text)} bytes`);
    hosted = host(cwd, text);
  });
  afterAll(() => {
    if (cwd !== repo) rmSync(cwd, { recursive: true, force: true });
  });

  if (maxBytes !== undefined) {
    test(`is at most ${maxBytes} bytes: a reference to the package's provider, not its code`, () => {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
      expect(text).not.toContain("generateKeyAndCsr");
    });
  }

  test("creates a key and a CSR that openssl verifies after being rebuilt from text", () => {
    const { checked, created } = hosted;
    expect(checked.failures).toEqual([]);
    const outs = created.outs as CertificateRequestOutputs;
    expect(outs).toMatchObject({ subject: { commonName: "api-client.example.com" }, keyAlgorithm: "RSA_2048" });
    expect(created.id).toBe(outs.publicKeyFingerprintSha256);
    expect(spawnSync("openssl", ["req", "-verify", "-noout"], { input: outs.csrPem }).status).toBe(0);
    expect(createPublicKey(createPrivateKey(outs.privateKeyPem)).export({ type: "spki", format: "pem" })).toBe(outs.publicKeyPem);
  });

  test("reports no change and reads back the stored state on later runs", () => {
    const { created, diff, read } = hosted;
    expect(diff).toEqual({ changes: false, replaces: [] });
    expect(read).toEqual({ id: created.id, props: created.outs });
  });
});
