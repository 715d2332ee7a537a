import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";

// `npm run demo` end to end: the real CLI and engine against the emulator. Jest's global setup has
// built dist/ (the demo included) and the CLI; the test runs the built demo as `npm run demo` does
// after its build, rather than rebuilding dist/ under the feet of other suites.

const repo = join(__dirname, "..");
// The demo must ignore a token in the user's shell and never print it.
const shellToken = "shell-token-the-demo-must-not-use";

function gitStatus(): string {
  return execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: repo, encoding: "utf8" });
}

function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, "dist", "scripts", "demo", "run.js")], {
      cwd: repo,
      env: { ...process.env, CLOUDFLARE_API_TOKEN: shellToken, CLOUDFLARE_ZONE_ID: "0".repeat(32) },
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output: Buffer.concat(chunks).toString("utf8") }));
  });
}

test("the demo deploys, verifies, shows the associated hostnames, previews a replacement and destroys against the emulator, leaking no token and leaving the repository as it was", async () => {
  const before = gitStatus();
  const { code, output } = await runDemo();

  expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
  expect(output).toContain("chains to the emulator's CA: yes");
  expect(output).toMatch(/the private key from privateKeyPem matches it/);
  expect(output).toMatch(/\+-\s*pulumi-nodejs:dynamic\/cloudflare-mtls:ClientCertificate/);
  expect(output).toMatch(/certificate [0-9a-f]{32} is pending_revocation/);
  // A require() of the package's provider module per resource, not its inlined code.
  expect(output).toMatch(/\(__provider\): CertificateRequest \d{3} bytes, ClientCertificate \d{3} bytes, HostnameAssociation \d{3} bytes/);
  expect(output).toMatch(/emulator API requests, whole demo: .*POST 1/);
  expect(output).toMatch(/emulator API requests, whole demo: .*DELETE 1/);
  expect(output).toMatch(/emulator API requests, whole demo: .*PUT 2/);
  expect(output).toMatch(/stack output associatedHostnames: \["admin.example.com","api.example.com"\]/);
  expect(output).toContain(
    '(http.host in {"admin.example.com" "api.example.com"} and (not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked))',
  );
  expect(output).toContain("the managed CA is associated with legacy.example.com only");
  // The demo's emulator token starts with this prefix; its random part is unknown here.
  expect(output).not.toContain("emulator-token-");
  expect(output).not.toContain(shellToken);
  expect(gitStatus()).toBe(before);
}, 300_000);
