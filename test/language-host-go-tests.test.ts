import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// scripts/pulumi-cli/test.sh where Go is missing: never a silent skip, and a CI failure when this
// machine built the language host whose tests could not run. Go is hidden with PULUMI_MTLS_GO.

const script = join(__dirname, "..", "scripts", "pulumi-cli", "test.sh");

function runWithoutGo(options: { ci: boolean; hostBuilt: boolean }): { status: number | null; stderr: string } {
  const cache = mkdtempSync(join(tmpdir(), "langhost-cache-"));
  try {
    if (options.hostBuilt) {
      mkdirSync(join(cache, "pulumi-v3.276.0"));
      writeFileSync(join(cache, "pulumi-v3.276.0", ".stamp-langhost"), "langhost 0 v3.276.0");
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_MTLS_CACHE: cache,
      PULUMI_MTLS_GO: "no-such-go-command",
      CI: options.ci ? "true" : "",
    };
    delete env["PULUMI_CLI_VERSION"];
    const result = spawnSync("bash", [script], { env, encoding: "utf8" });
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

describe("the language host's Go tests where Go is missing", () => {
  test("under CI, on a machine that built the host, fail loudly", () => {
    const { status, stderr } = runWithoutGo({ ci: true, hostBuilt: true });
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /language host: ERROR: Go is not installed, yet this machine built the language host .*: its Go tests \(scripts\/pulumi-cli\/language-host\) did NOT run/,
    );
  });

  test("outside CI, on a machine that built the host, warn loudly and pass", () => {
    const { status, stderr } = runWithoutGo({ ci: false, hostBuilt: true });
    expect(status).toBe(0);
    expect(stderr).toMatch(
      /language host: WARNING: Go is not installed, yet this machine built the language host .* did NOT run\. Install Go to run them; CI=true makes this a failure\./,
    );
  });

  test.each([true, false])("with CI=%s, on a machine that did not build the host, warn that the tests were skipped and pass", (ci) => {
    const { status, stderr } = runWithoutGo({ ci, hostBuilt: false });
    expect(status).toBe(0);
    expect(stderr).toMatch(
      /language host: WARNING: Go is not installed, so the language host is not built here and its Go tests were SKIPPED/,
    );
  });
});
