/**
 * Benchmarks: prints figures, asserts nothing (machines are noisy). Run with `npm run bench`
 * (in-process figures) or `npm run bench -- scale` (N certificates through the real engine, see
 * scale/run-scale.ts). Everything talks to a local emulator over real HTTP on loopback.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ClientCertificateProvider, CloudflareClient } from "../../provider";
import { startEmulator } from "../../emulator";
import { csrFixture } from "../fixtures/csr-fixtures";
import { firstOperationMs } from "./first-operation";
import { runScale } from "./scale/run-scale";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const csr = csrFixture("ecdsa-p256");

function report(name: string, value: string): void {
  console.log(`${name.padEnd(58)} ${value}`);
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

async function perOperation(name: string, count: number, run: (index: number) => Promise<unknown>): Promise<void> {
  const { ms } = await timed(async () => {
    for (let index = 0; index < count; index++) await run(index);
  });
  report(name, `${(ms / count).toFixed(2)} ms/op over ${count}`);
}

async function main(): Promise<void> {
  // Before the emulator starts, so the first check pays for loading @peculiar/x509 as in a provider process.
  const cold = await timed(() => new ClientCertificateProvider().check({}, { zoneId, csr, validityDays: 365 }));
  report("check, first call in a process (loads @peculiar/x509)", `${cold.ms.toFixed(0)} ms`);

  const emulator = await startEmulator({ rateLimit: false });
  try {
    const connection = { credentials: { apiToken: emulator.token }, baseUrl: emulator.baseUrl };
    const provider = new ClientCertificateProvider({ client: { connection } });
    const client = new CloudflareClient({ connection });

    const first = await firstOperationMs(emulator, join(__dirname, "..", "..", ".."), csr);
    report("first create in a fresh process, median of 5: ours (check + create)", `${first.ours.toFixed(0)} ms`);
    report(
      "first create in a fresh process, median of 5: naive (one fetch)",
      `${first.naive.toFixed(0)} ms (ours ${(first.ours / first.naive).toFixed(2)}x)`,
    );
    report(
      "  the same with the host's own load (@pulumi/pulumi) counted",
      `${first.host.toFixed(0)} ms more each (ours ${((first.host + first.ours) / (first.host + first.naive)).toFixed(2)}x)`,
    );
    report("first preview of an unchanged certificate in a fresh process: ours (check + diff)", `${first.oursUnchanged.toFixed(0)} ms`);

    await perOperation("check, warm (parse + verify CSR signature)", 500, () =>
      provider.check({}, { zoneId, csr: csr.replace(/\n/g, "\r\n"), validityDays: 365 }),
    );
    await perOperation("diff (DER comparison, no network)", 20_000, () =>
      provider.diff("id", { zoneId, csr, validityDays: 365, status: "active" }, { zoneId, csr, validityDays: 365 }),
    );

    await perOperation("create via provider (POST + key match), sequential", 200, () =>
      provider.create({ zoneId, csr, validityDays: 365 }),
    );
    const concurrent = await timed(() =>
      Promise.all(Array.from({ length: 200 }, () => provider.create({ zoneId, csr, validityDays: 30 }))),
    );
    report(
      "create via provider, 200 concurrent",
      `${concurrent.ms.toFixed(0)} ms total, ${(200_000 / concurrent.ms).toFixed(0)} creates/s`,
    );
    const ids = concurrent.value.map((result) => result.id);
    await perOperation("read via provider (GET)", 400, (index) => provider.read(ids[index % ids.length] ?? "", { zoneId }));

    emulator.clearRequests();
    const listed = await timed(() => client.listClientCertificates(zoneId));
    report(
      `list all ${listed.value.length} certificates`,
      `${listed.ms.toFixed(0)} ms, ${emulator.requests().length} requests (50 per page, no trailing empty page)`,
    );

    emulator.injectFault({ route: "get", kind: "status", status: 503, times: 1 });
    const retried = await timed(() => client.getClientCertificate(zoneId, ids[0] ?? ""));
    report("GET after one 503 (one backoff, 250-500 ms)", `${retried.ms.toFixed(0)} ms`);

    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let index = 0; index < 1_000; index++) await provider.check({}, { zoneId, csr, validityDays: 365 });
    global.gc?.();
    report("heap growth over 1000 checks", `${((process.memoryUsage().heapUsed - before) / 1024).toFixed(0)} KiB`);
    report("resident set size at the end", `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    await emulator.close();
  }

  const repo = join(__dirname, "..", "..", "..");
  const providerBytes = (...args: string[]) => {
    const serialized = execFileSync(process.execPath, [join(repo, "test", "serialization", "serialize-provider.cjs"), ...args], {
      cwd: repo,
      encoding: "utf8",
    });
    return Buffer.byteLength((JSON.parse(serialized) as { text: string }).text);
  };
  report(
    "__provider of ClientCertificate in this repository's programs",
    `${providerBytes("./dist/provider/client-certificate-provider-reference.js")} bytes`,
  );
  report(
    "__provider if the provider class itself were serialized",
    `${providerBytes("./dist/provider/index.js", "ClientCertificateProvider")} bytes`,
  );
}

(process.argv[2] === "scale" ? runScale() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
