import { inspect } from "node:util";
import { EMULATOR_BEHAVIOURS } from "../../emulator/behaviours";
import { apiErrors } from "../../emulator/errors";
import { buildReport, compareWithEmulator, renderMarkdown } from "./conformance-report";
import { LiveTarget, targetFromEnvironment } from "./live-target";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";

describe("compareWithEmulator", () => {
  const cases = [
    {
      name: "the same answer is same",
      observation: { id: "get.unknown-id", observed: "404 [1415]", detail: "HTTP 404" },
      want: { verdict: "same", observed: "404 [1415]" },
    },
    {
      name: "another code differs and keeps both values",
      observation: { id: "create.csr-not-pem", observed: "400 [1100]", detail: "HTTP 400" },
      want: { verdict: "differs", emulator: "400 [1402]", observed: "400 [1100]" },
    },
    {
      name: "an undefined observation is not observed, with the reason",
      observation: { id: "reactivate.revoked", observed: undefined, detail: "no certificate reached revoked" },
      want: { verdict: "not observed", observed: null, detail: "no certificate reached revoked" },
    },
  ];
  test.each(cases)("$name", ({ observation, want }) => {
    const row = compareWithEmulator([observation]).find((candidate) => candidate.id === observation.id);
    expect(row).toMatchObject(want);
  });

  test("a behaviour the run never reached is a row too, not observed", () => {
    const rows = compareWithEmulator([]);
    expect(rows).toHaveLength(EMULATOR_BEHAVIOURS.length);
    expect(new Set(rows.map((row) => row.verdict))).toEqual(new Set(["not observed"]));
  });
});

test("the emulator's expected answers come from its own error table", () => {
  const byId = Object.fromEntries(EMULATOR_BEHAVIOURS.map((behaviour) => [behaviour.id, behaviour.emulator]));
  expect(byId["revoke.revoked"]).toBe(`${apiErrors.alreadyRevoked().status} [${apiErrors.alreadyRevoked().code}]`);
  expect(byId["get.unknown-id"]).toBe("404 [1415]");
  expect(new Set(EMULATOR_BEHAVIOURS.map((behaviour) => behaviour.id)).size).toBe(EMULATOR_BEHAVIOURS.length);
});

test("the Markdown report escapes table cells and marks differences", () => {
  const report = buildReport({
    packageVersion: "0.1.0",
    startedAt: "2026-11-29T00:00:00.000Z",
    seconds: 1,
    api: "Cloudflare (api.cloudflare.com)",
    zoneId,
    commonNamePrefix: "pulumi-mtls-live-00000000-",
    rows: compareWithEmulator([{ id: "create.csr-not-pem", observed: "400 [1100]", detail: 'HTTP 400 errors: 1100 "a | b\nc"' }]),
    steps: [{ name: "up", result: "failed", detail: "x".repeat(2000), seconds: 2 }],
    cleanup: [],
    problems: [],
  });
  expect(report.summary).toMatchObject({ same: 0, differs: 1, notObserved: EMULATOR_BEHAVIOURS.length - 1, stepsFailed: 1 });
  expect(report.steps[0]?.detail).toMatch(/… \(500 more characters\)$/);
  const markdown = renderMarkdown(report);
  expect(markdown).toContain(
    '| `create.csr-not-pem` | chosen | POST a `csr` that is not PEM | 400 [1402] | 400 [1100] | **differs** | HTTP 400 errors: 1100 "a \\| b c" |',
  );
  expect(markdown).toContain("| up | **failed** | 2 |");
});

describe("targetFromEnvironment", () => {
  const cases = [
    {
      name: "skips without a token or zone",
      env: {},
      want: { skip: expect.stringMatching(/^CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID are not set\./) },
    },
    {
      name: "skips without a zone",
      env: { CLOUDFLARE_API_TOKEN: "t" },
      want: { skip: expect.stringMatching(/^CLOUDFLARE_ZONE_ID is not set\./) },
    },
    {
      name: "skips on a blank token",
      env: { CLOUDFLARE_API_TOKEN: " ", CLOUDFLARE_ZONE_ID: zoneId },
      want: { skip: expect.stringMatching(/^CLOUDFLARE_API_TOKEN is not set\./) },
    },
    {
      name: "fails on a zone id that is not one",
      env: { CLOUDFLARE_API_TOKEN: "t", CLOUDFLARE_ZONE_ID: "example.com" },
      want: { error: expect.stringMatching(/^CLOUDFLARE_ZONE_ID must be 32 lowercase hex characters/) },
    },
  ];
  test.each(cases)("$name", ({ env, want }) => {
    expect(targetFromEnvironment(env)).toEqual(want);
  });

  test("defaults to Cloudflare's API and keeps the token out of printing and JSON", () => {
    const resolved = targetFromEnvironment({ CLOUDFLARE_API_TOKEN: "secret-token-value", CLOUDFLARE_ZONE_ID: zoneId });
    if (!("target" in resolved)) throw new Error("no target");
    expect(resolved.target.describe()).toBe("Cloudflare (api.cloudflare.com)");
    expect(resolved.target.token).toBe("secret-token-value");
    expect(JSON.stringify(resolved.target)).not.toContain("secret-token-value");
    expect(inspect(resolved.target)).not.toContain("secret-token-value");
    expect(new LiveTarget("http://127.0.0.1:8787/client/v4", "t", zoneId).describe()).toBe("http://127.0.0.1:8787/client/v4");
  });
});
