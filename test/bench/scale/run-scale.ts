import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyAndCsr } from "../../../provider/key-generation";
import { repositoryRoot } from "../../../scripts/demo/repository-root";
import { measureVariant, VARIANTS, type Measurement } from "./measure-variant";
import { scalePlot } from "./scale-plot";
import { scaleTable } from "./scale-report";

/**
 * `npm run bench -- scale`: N certificates through the real engine, for this package and two
 * baselines, against the emulator with `BENCH_SCALE_LATENCY_MS` (default 50) added to each request and
 * Cloudflare's rate limit. `BENCH_SCALE_N` picks the counts (default 1,20,100,500; 1,20 is a quick run).
 * Prints a markdown table and writes `scale.svg` and `scale.json` to `BENCH_SCALE_OUT` (default docs/).
 * `BENCH_SCALE_VARIANTS` runs only some variants (e.g. `ours`); `BENCH_SCALE_STATE` names a directory
 * that keeps each state exported after `up`, to see what a resource stores.
 */
export async function runScale(): Promise<void> {
  const counts = (process.env["BENCH_SCALE_N"] ?? "1,20,100,500")
    .split(",")
    .map(Number)
    .sort((a, b) => a - b);
  if (counts.some((count) => !Number.isInteger(count) || count < 1))
    throw new Error(`BENCH_SCALE_N must list positive integers, got ${process.env["BENCH_SCALE_N"]}`);
  const latencyMs = Number(process.env["BENCH_SCALE_LATENCY_MS"] ?? "50");
  const out = process.env["BENCH_SCALE_OUT"] ?? join(repositoryRoot(__dirname), "docs");
  const variants = VARIANTS.filter((variant) => (process.env["BENCH_SCALE_VARIANTS"] ?? VARIANTS.join(",")).split(",").includes(variant));
  const stateDirectory = process.env["BENCH_SCALE_STATE"];
  if (stateDirectory !== undefined) mkdirSync(stateDirectory, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "mtls-scale-"));
  try {
    const csrFile = join(work, "csrs.json");
    writeFileSync(csrFile, JSON.stringify(await distinctCsrs(Math.max(...counts))));
    const measurements: Measurement[] = [];
    for (const count of counts) {
      for (const variant of variants) {
        console.log(`${new Date().toISOString()} ${variant} N=${count}…`);
        const measurement = await measureVariant(variant, count, csrFile, latencyMs, stateDirectory);
        console.log(`  ${JSON.stringify(measurement)}`);
        measurements.push(measurement);
      }
    }
    const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}, emulator +${latencyMs} ms per request, rate limit 1200 / 5 min`;
    console.log(`\n${machine}\n\n${scaleTable(measurements)}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "scale.svg"), scalePlot(measurements, "up", `pulumi up of N certificates (${machine.split(",")[0]})`));
    writeFileSync(join(out, "scale.json"), `${JSON.stringify({ machine, measurements }, null, 2)}\n`);
    console.log(`\nwrote ${join(out, "scale.svg")} and scale.json`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One EC P-256 CSR per certificate, as the measurements used. */
async function distinctCsrs(count: number): Promise<string[]> {
  const csrs: string[] = [];
  for (let index = 0; index < count; index++) {
    csrs.push((await generateKeyAndCsr({ subject: { commonName: `scale-${index}.example.com` }, keyAlgorithm: "ECDSA_P256" })).csrPem);
  }
  return csrs;
}
