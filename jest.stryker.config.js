// The jest run StrykerJS uses for each mutant: the unit and integration tests of provider/ only.
// Left out, so every mutant run stays seconds long:
// - test/e2e, test/live: minutes each (the real CLI, a real account);
// - suites that run the compiled dist/ (serialization, installed bin, demo, emulator CLI): Stryker
//   mutates the TypeScript sources in its sandbox, not dist/, so they cannot see a mutant;
// - test/emulator: tests of the emulator, not of provider/.
// No globalSetup: it builds dist/ and ensures the Pulumi CLI, which none of these suites need.
const base = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  globalSetup: undefined,
  // Instrumented code on a shared machine runs several times slower than under `npm run jest`;
  // a mutant that hangs is still caught by Stryker's own timeout.
  testTimeout: 60_000,
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/test/e2e/",
    "<rootDir>/test/live/",
    "<rootDir>/test/emulator/",
    "<rootDir>/test/provider-serialization.test.ts",
    "<rootDir>/test/certificate-request-serialization.test.ts",
    "<rootDir>/test/hostname-association-serialization.test.ts",
    "<rootDir>/test/demo.test.ts",
    "<rootDir>/test/module-loading.test.ts",
    "<rootDir>/test/cli/installed-bin.test.ts",
    "<rootDir>/test/language-host-go-tests.test.ts",
  ],
};
