import { execFile, execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startEmulator } from "../emulator";
import { projectWithInstalledPackage } from "./helpers/installed-package";

// HostnameAssociationProvider travels in state as text and is rebuilt by the dynamic-provider host.
// Rebuilt from its text, it must stay small, capture no credentials, keep its lock working (a plain
// object, not a Map) and run the whole lifecycle against the emulator.

const repo = join(__dirname, "..");
const serializeScript = join(__dirname, "serialization", "serialize-provider.cjs");
const planted = "planted-token-must-not-be-captured";
const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

/** Loads the text as cmd/dynamic-provider does; creates three resources at once, refreshes, updates and deletes them. */
const hostScript = `
const requireFromString = require(require.resolve("require-from-string", { paths: [process.cwd(), require.resolve("@pulumi/pulumi")] }));
(async () => {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  const provider = requireFromString(text).handler();
  const zoneId = "${zoneId}";
  const checked = await Promise.all(["a", "b", "c"].map((name) => provider.check({}, { zoneId, hostnames: [name.toUpperCase() + ".example.com"] })));
  const created = await Promise.all(checked.map((result) => provider.create(result.inputs)));
  const read = await provider.read(created[0].id, created[0].outs);
  const news = { ...checked[0].inputs, hostnames: ["a.example.com", "d.example.com"] };
  const diff = await provider.diff(created[0].id, read.props, news);
  const updated = await provider.update(created[0].id, read.props, news);
  await provider.delete(created[1].id, created[1].outs);
  process.stdout.write(JSON.stringify({ checked, created, read, diff, updated }));
})().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
`;

/** Serializes `new HostnameAssociationProvider()` from `moduleName`, or, without a class, the module's export itself. */
function serialize(cwd: string, moduleName: string, className?: string): string {
  const output = execFileSync(process.execPath, [serializeScript, moduleName, ...(className === undefined ? [] : [className])], {
    cwd,
    env: { ...process.env, CLOUDFLARE_API_TOKEN: planted },
    encoding: "utf8",
  });
  return (JSON.parse(output) as { text: string }).text;
}

function host(cwd: string, text: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ["-e", hostScript],
      { cwd, env: { ...process.env, ...env }, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
    child.stdin?.end(text);
  });
}

describe.each<{ layout: string; project: () => string; moduleName: string; className?: string; maxBytes?: number }>([
  {
    layout: "the repository (provider inlined by value)",
    project: () => repo,
    moduleName: "./dist/provider/index.js",
    className: "HostnameAssociationProvider",
  },
  {
    layout: "an installed package (provider referenced by require)",
    project: () => projectWithInstalledPackage("mtls-hostnames-"),
    moduleName: "pulumi-cloudflare-mtls",
    className: "HostnameAssociationProvider",
  },
  // What the resources serialize: the module whose export is their one shared provider.
  {
    layout: "the resources' shared provider of an installed package",
    project: () => projectWithInstalledPackage("mtls-hostnames-"),
    moduleName: "pulumi-cloudflare-mtls/dist/provider/hostname-association-provider-reference.js",
    maxBytes: 2048,
  },
  {
    layout:
      "the resources' shared provider of a program in the repository (examples, the demo: the copy \`npm run build\` puts in node_modules)",
    project: () => repo,
    moduleName: "pulumi-cloudflare-mtls/dist/provider/hostname-association-provider-reference.js",
    maxBytes: 2048,
  },
  // A program that imports the package's files by path, outside node_modules: inlined by value.
  {
    layout: "the resources' shared provider imported by path (inlined by value)",
    project: () => repo,
    moduleName: "./dist/provider/hostname-association-provider-reference.js",
    maxBytes: 4096,
  },
])("HostnameAssociationProvider serialized from $layout", ({ project, moduleName, className, maxBytes }) => {
  let cwd: string;
  let text: string;

  beforeAll(() => {
    cwd = project();
    text = serialize(cwd, moduleName, className);
    console.log(`__provider for HostnameAssociation from ${moduleName}: ${Buffer.byteLength(text)} bytes`);
  });
  afterAll(() => {
    if (cwd !== repo) rmSync(cwd, { recursive: true, force: true });
  });

  test("is small and captures no credentials", () => {
    expect(text).not.toContain(planted);
    if (moduleName === "pulumi-cloudflare-mtls") {
      expect(text).toMatch(/require\("pulumi-cloudflare-mtls\/dist\/provider\/[a-z-]+\.js"\)/);
      expect(Buffer.byteLength(text)).toBeLessThan(10_000);
    }
    if (maxBytes !== undefined) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
      expect(text).not.toContain("applyAssociationChange");
    }
  });

  test("runs concurrent creates, refresh, update and delete against the emulator after being rebuilt from text", async () => {
    const emulator = await startEmulator();
    try {
      emulator.setHostnameAssociationsOutOfBand(zoneId, ["dashboard.example.com"]);
      const result = await host(cwd, text, { CLOUDFLARE_API_TOKEN: emulator.token, CLOUDFLARE_BASE_URL: emulator.baseUrl });
      expect(result["diff"]).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
      expect(result["updated"]).toMatchObject({ outs: { hostnames: ["a.example.com", "d.example.com"] } });
      expect([...emulator.hostnameAssociations(zoneId)].sort()).toEqual([
        "a.example.com",
        "c.example.com",
        "d.example.com",
        "dashboard.example.com",
      ]);
      // The rebuilt lock serialised the three creates: one write each, none lost.
      expect(emulator.requests().filter((request) => request.method === "PUT")).toHaveLength(5);
    } finally {
      await emulator.close();
    }
  });
});
