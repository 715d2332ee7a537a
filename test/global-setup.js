// Runs once before the test suites: builds dist/ (serialization and end-to-end tests use the
// built package, as users do) and makes sure the Pulumi CLI is there (a cache hit takes under a
// second; a fresh machine builds it from the Go module proxy once, printing its progress).
const { execFileSync } = require("node:child_process");
const { join } = require("node:path");

module.exports = async function globalSetup() {
  const repo = join(__dirname, "..");
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: repo, stdio: "inherit" });
  const { ensurePulumiCli } = require(join(repo, "dist", "scripts", "demo", "ensure-pulumi-cli.js"));
  process.env.PULUMI_MTLS_CLI_BIN = ensurePulumiCli(repo);
};
