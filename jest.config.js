/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // .stryker-tmp: a mutation run's sandbox copy of the repository.
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/.stryker-tmp/"],
  globalSetup: "<rootDir>/test/global-setup.js",
};
