// Mutation testing of provider/: `npm run test:mutation` (slow; not part of `npm test`).
// One file while working: `npm run test:mutation -- --mutate provider/csr.ts`.
// STRYKER_REPORT_DIRECTORY keeps the reports (and incremental results) of a run over some files apart
// from those of the whole run: `node scripts/mutation/score-table.mjs` merges them into one table.
const reportDirectory = process.env.STRYKER_REPORT_DIRECTORY ?? "reports/mutation";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // Left out, and listed in test/README.md: the forwarding provider and its reference modules. Tests
  // serialize them by value, as Pulumi does, and Stryker's instrumentation inside the serialized code
  // breaks the rebuilt provider (every resource test then hangs); the serialization suites test the
  // built code instead.
  mutate: ["provider/**/*.ts", "!provider/cli/**", "!provider/delegating-provider.ts", "!provider/*-provider-reference.ts"],
  testRunner: "jest",
  jest: {
    configFile: "jest.stryker.config.js",
    // Used for the initial run; per mutant, perTest coverage already picks the tests that reach it.
    enableFindRelatedTests: true,
  },
  // got is ESM-only and loaded with import(): jest needs vm modules, as in `npm run jest`.
  testRunnerNodeArgs: ["--experimental-vm-modules", "--no-warnings=ExperimentalWarning"],
  coverageAnalysis: "perTest",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Reruns test only the mutants whose code or tests changed. The file is git-ignored, not committed:
  // its verdicts depend on the machine that produced them (a timeout on a loaded machine is recorded
  // as "detected" and would be reused everywhere), and every change to provider/ would rewrite it.
  incremental: true,
  incrementalFile: `${reportDirectory}/stryker-incremental.json`,
  // The machine is shared: at most two test processes.
  concurrency: 2,
  // A mutant's run loads whole test files (beforeAll hooks start emulators and issue certificates),
  // which the initial run's per-test times leave out: with 20 s, a loaded machine turned many
  // mutants into timeouts that were only slowness.
  timeoutMS: 60_000,
  reporters: ["html", "clear-text", "progress", "json"],
  htmlReporter: { fileName: `${reportDirectory}/index.html` },
  jsonReporter: { fileName: `${reportDirectory}/mutation.json` },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
