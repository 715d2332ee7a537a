import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMULATOR_BEHAVIOURS } from "../../emulator/behaviours";
import { startEmulator } from "../../emulator";
import { startDifferentApi } from "../helpers/different-api";
import type { ConformanceReport } from "./conformance-report";

// `npm run test:live` itself, from dist/ as users run it: skipped without credentials, every row
// "same" against the emulator, and robust to an API that answers differently where Cloudflare is
// undocumented. Each full run drives the real Pulumi CLI through a whole lifecycle (about a minute).

const repo = join(__dirname, "..", "..");
const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
jest.setTimeout(300_000);

interface Run {
  code: number;
  output: string;
}

function runSuite(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CLOUDFLARE_")));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, "dist", "test", "live", "run.js"), ...args], {
      cwd: repo,
      env: { ...inherited, ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

function readReport(directory: string): { json: ConformanceReport; markdown: string; text: string } {
  const text = readFileSync(join(directory, "live-conformance.json"), "utf8");
  return { json: JSON.parse(text) as ConformanceReport, markdown: readFileSync(join(directory, "live-conformance.md"), "utf8"), text };
}

let reportDir: string;
beforeEach(() => {
  reportDir = mkdtempSync(join(tmpdir(), "live-report-"));
});
afterEach(() => rmSync(reportDir, { recursive: true, force: true }));

test("without CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID it says why it skipped and exits 0", async () => {
  const { code, output } = await runSuite(["--report-dir", reportDir]);
  expect(code).toBe(0);
  expect(output).toMatch(/^live acceptance suite skipped: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID are not set\./);
});

test("against the emulator every behaviour is the same, every lifecycle step passes and nothing is left active", async () => {
  const started = Date.now();
  const { code, output } = await runSuite(["--emulator", "--require-same", "--report-dir", reportDir]);
  console.log(`live suite against the emulator: ${Math.round((Date.now() - started) / 1000)} s`);
  expect({ code, output }).toMatchObject({ code: 0 });
  const { json, markdown } = readReport(reportDir);
  expect(json.rows.map((row) => row.id)).toEqual(EMULATOR_BEHAVIOURS.map((behaviour) => behaviour.id));
  expect(json.rows.filter((row) => row.verdict !== "same")).toEqual([]);
  expect(json.steps.map((step) => step.result)).toEqual(Array(6).fill("passed"));
  expect(json.problems).toEqual([]);
  expect(json.cleanup.every((action) => action.action === "revoked")).toBe(true);
  expect(markdown).toContain(`**Behaviours:** ${EMULATOR_BEHAVIOURS.length} same, 0 differ, 0 not observed.`);
});

test("against an API with other undocumented choices it reports each difference with both values and still passes", async () => {
  const emulator = await startEmulator({ revocationDelayMs: 3_000, reactivationDelayMs: 1_000 });
  const api = await startDifferentApi(emulator);
  try {
    const { code, output } = await runSuite(["--report-dir", reportDir, "--revoked-wait-seconds", "20"], {
      CLOUDFLARE_BASE_URL: api.baseUrl,
      CLOUDFLARE_API_TOKEN: emulator.token,
      CLOUDFLARE_ZONE_ID: zoneId,
    });
    expect({ code, output }).toMatchObject({ code: 0 });
    const { json, text, markdown } = readReport(reportDir);
    const differs = Object.fromEntries(
      json.rows.filter((row) => row.verdict === "differs").map((row) => [row.id, `${row.emulator} -> ${row.observed}`]),
    );
    expect(differs).toEqual({
      "create.ecdsa-p256": "200 active -> 400 [1100]",
      "create.ecdsa-p384": "200 active -> 400 [1100]",
      "create.csr-line-endings": "CRLF -> LF",
      "create.csr-not-pem": "400 [1402] -> 400 [1100]",
      "create.csr-bad-signature": "400 [1403] -> 400 [1100]",
      "create.csr-missing": "400 [1401] -> 400 [1100]",
      "create.validity-zero": "400 [1404] -> 400 [1100]",
      "list.default-status": "includes pending_revocation -> excludes pending_revocation",
      "list.per-page-below-min": "400 [1409] -> 200",
      "list.per-page-above-max": "400 [1409] -> 200",
      "reactivate.pending-revocation": "200 pending_reactivation -> 200 active",
    });
    expect(json.rows.find((row) => row.id === "create.ecdsa-p256")?.detail).toBe(
      'HTTP 400 errors: 1100 "Invalid CSR: only RSA keys are supported"',
    );
    // ECDSA was refused, so the stack declared only the RSA key.
    expect(json.steps[0]?.name).toBe("up issues one certificate per key type (RSA_2048)");
    expect(json.steps.map((step) => step.result)).toEqual(Array(6).fill("passed"));
    expect(markdown).toContain("| **differs** |");
    for (const written of [text, markdown, output]) expect(written).not.toContain(emulator.token);
    expect(
      emulator
        .certificates(zoneId)
        .filter((certificate) => certificate.status === "active" || certificate.status === "pending_reactivation"),
    ).toEqual([]);
  } finally {
    await api.close();
    await emulator.close();
  }
});

test("when the documented case breaks (an RSA 2048 CSR refused) it stops, exits 1, and still writes the report", async () => {
  const emulator = await startEmulator();
  const api = await startDifferentApi(emulator, { refuseEveryCreate: true });
  try {
    const { code, output } = await runSuite(["--report-dir", reportDir], {
      CLOUDFLARE_BASE_URL: api.baseUrl,
      CLOUDFLARE_API_TOKEN: emulator.token,
      CLOUDFLARE_ZONE_ID: zoneId,
    });
    expect({ code, output }).toMatchObject({ code: 1 });
    const { json } = readReport(reportDir);
    expect(json.problems).toEqual([
      'the run stopped: Cloudflare did not issue a certificate for an RSA 2048 CSR, the documented case: HTTP 400 errors: 1100 "Invalid CSR"',
    ]);
    expect(json.rows.find((row) => row.id === "create.rsa-2048")).toMatchObject({ observed: "400 [1100]", verdict: "differs" });
    expect(json.steps).toEqual([]);
    expect(emulator.certificates(zoneId)).toEqual([]);
  } finally {
    await api.close();
    await emulator.close();
  }
});
