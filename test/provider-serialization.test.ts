import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../emulator";
import { csrFixture } from "./fixtures/csr-fixtures";
import { projectWithInstalledPackage } from "./helpers/installed-package";

// The provider object travels in state as text (`__provider`) and is rebuilt in another process.
// These tests do what `new dynamic.Resource` and the dynamic-provider host do, in real Node
// processes: serialize, then rebuild from the text and run check and diff.

const repo = join(__dirname, "..");
const serializeScript = join(__dirname, "serialization", "serialize-provider.cjs");
const runScript = join(__dirname, "serialization", "run-serialized-provider.cjs");
const planted = "planted-token-must-not-be-captured";

/** Serializes `new className()` from `moduleName`, or, without a class, the module's export itself. */
function serialize(cwd: string, moduleName: string, className?: string): string {
  const output = execFileSync(process.execPath, [serializeScript, moduleName, ...(className === undefined ? [] : [className])], {
    cwd,
    env: { ...process.env, CLOUDFLARE_API_TOKEN: planted },
    encoding: "utf8",
  });
  return (JSON.parse(output) as { text: string }).text;
}

function runSerialized(
  cwd: string,
  text: string,
  news: Record<string, unknown>,
): { check: { failures?: unknown[]; inputs: Record<string, unknown> }; diff: { changes: boolean } } {
  return JSON.parse(execFileSync(process.execPath, [runScript], { cwd, input: JSON.stringify({ text, news }), encoding: "utf8" }));
}

/** Runs the whole lifecycle in the child process, asynchronously so the emulator here can answer. */
function runLifecycle(
  cwd: string,
  text: string,
  news: Record<string, unknown>,
  env: Record<string, string>,
): Promise<{ lifecycle: { id: string; createdStatus: string; readStatus: string } }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [runScript],
      { cwd, env: { ...process.env, ...env }, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
    child.stdin?.end(JSON.stringify({ text, news, lifecycle: true }));
  });
}

const news = { zoneId: "023e105f4ecef8ad9ca31a8372d0c353", csr: csrFixture("ecdsa-p256").replace(/\n/g, "\r\n"), validityDays: 30 };

describe.each<{ layout: string; project: () => string; moduleName: string; className?: string; maxBytes?: number }>([
  {
    layout: "the repository (provider inlined by value)",
    project: () => repo,
    moduleName: "./dist/provider/index.js",
    className: "ClientCertificateProvider",
  },
  {
    layout: "an installed package (provider referenced by require)",
    project: () => projectWithInstalledPackage(),
    moduleName: "pulumi-cloudflare-mtls",
    className: "ClientCertificateProvider",
  },
  // What ClientCertificate resources serialize: the module whose export is their one shared provider.
  {
    layout: "the resources' shared provider of an installed package",
    project: () => projectWithInstalledPackage(),
    moduleName: "pulumi-cloudflare-mtls/dist/provider/client-certificate-provider-reference.js",
    maxBytes: 2048,
  },
  {
    layout:
      "the resources' shared provider of a program in the repository (examples, the demo: the copy \`npm run build\` puts in node_modules)",
    project: () => repo,
    moduleName: "pulumi-cloudflare-mtls/dist/provider/client-certificate-provider-reference.js",
    maxBytes: 2048,
  },
  // A program that imports the package's files by path, outside node_modules: inlined by value.
  {
    layout: "the resources' shared provider imported by path (inlined by value)",
    project: () => repo,
    moduleName: "./dist/provider/client-certificate-provider-reference.js",
    maxBytes: 4096,
  },
])("ClientCertificateProvider serialized from $layout", ({ project, moduleName, className, maxBytes }) => {
  let cwd: string;
  let text: string;

  beforeAll(() => {
    cwd = project();
    text = serialize(cwd, moduleName, className);
    console.log(`__provider for ClientCertificate from ${moduleName}: ${Buffer.byteLength(text)} bytes`);
  });

  if (maxBytes !== undefined) {
    test(`is at most ${maxBytes} bytes: a reference to the package's provider, not its code`, () => {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
      expect(text).not.toContain("issueClientCertificate");
    });
  }
  afterAll(() => {
    if (cwd !== repo) rmSync(cwd, { recursive: true, force: true });
  });

  test("captures no credentials and no certificate material", () => {
    expect(text).not.toContain(planted);
    expect(text).not.toContain(csrFixture("ecdsa-p256").split("\n")[1]);
  });

  test("still checks and diffs after being rebuilt from text", () => {
    const { check, diff } = runSerialized(cwd, text, news);
    expect(check.failures).toEqual([]);
    expect(check.inputs["csr"]).toBe(csrFixture("ecdsa-p256"));
    expect(diff.changes).toBe(false);
  });

  test("creates, reads and revokes through the emulator after being rebuilt from text", async () => {
    const emulator = await startEmulator();
    try {
      const { lifecycle } = await runLifecycle(cwd, text, news, {
        CLOUDFLARE_API_TOKEN: emulator.token,
        CLOUDFLARE_BASE_URL: emulator.baseUrl,
      });
      expect(lifecycle).toMatchObject({ createdStatus: "active", readStatus: "active" });
      expect(emulator.requests().map((request) => request.method)).toEqual(["GET", "POST", "GET", "DELETE"]);
      expect(emulator.certificates()[0]).toMatchObject({ id: lifecycle.id, status: "pending_revocation" });
    } finally {
      await emulator.close();
    }
  });

  test("still reports bad input after being rebuilt from text", () => {
    const { check } = runSerialized(cwd, text, { ...news, validityDays: 0 });
    expect(check.failures).toEqual([
      { property: "validityDays", reason: "validityDays must be between 1 and 5475 days (15 years), got 0" },
    ]);
  });
});

test("an installed package's provider requires its modules by package path instead of inlining them", () => {
  const cwd = projectWithInstalledPackage();
  try {
    const text = serialize(cwd, "pulumi-cloudflare-mtls", "ClientCertificateProvider");
    expect(text).toMatch(/require\("pulumi-cloudflare-mtls\/dist\/provider\/[a-z-]+\.js"\)/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test("the repository's shared provider, rebuilt in a project without the package, says what to install", () => {
  const text = serialize(repo, "./dist/provider/client-certificate-provider-reference.js");
  const empty = mkdtempSync(join(tmpdir(), "mtls-no-package-"));
  try {
    const run = spawnSync(process.execPath, [runScript], { cwd: empty, input: JSON.stringify({ text, news }), encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `Error: loading pulumi-cloudflare-mtls/dist/provider/client-certificate-provider.js from ${realpathSync(empty)}: Error: Cannot find module 'pulumi-cloudflare-mtls/dist/provider/client-certificate-provider.js'`,
    );
    expect(run.stderr).toContain("; install pulumi-cloudflare-mtls in the Pulumi project");
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
