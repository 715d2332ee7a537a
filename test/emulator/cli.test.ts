import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callApi } from "../helpers/call-api";
import { spawnTypeScript } from "../helpers/spawn-typescript";
import { runCli } from "../../emulator/cli";
import { CliUsageError, parseCliArguments } from "../../emulator/cli-arguments";
import type { Emulator } from "../../emulator/index";

describe("parseCliArguments", () => {
  test.each([
    { name: "defaults", argv: [], env: {}, want: { port: 8787, token: undefined, rateLimit: true, quiet: false } },
    { name: "flags", argv: ["--port", "9000", "--token", "abc"], env: {}, want: { port: 9000, token: "abc" } },
    {
      name: "the port from EMULATOR_PORT but never a token from CLOUDFLARE_API_TOKEN",
      argv: [],
      env: { EMULATOR_PORT: "9001", CLOUDFLARE_API_TOKEN: "from-env" },
      want: { port: 9001, token: undefined },
    },
    { name: "a flag beats the environment", argv: ["--port", "0"], env: { EMULATOR_PORT: "9001" }, want: { port: 0 } },
    {
      name: "delays, zones, CA directory and switches",
      argv: [
        "--revocation-delay-ms",
        "50",
        "--reactivation-delay-ms",
        "20",
        "--zones",
        "a,b",
        "--ca-dir",
        "/tmp/ca",
        "--no-rate-limit",
        "--quiet",
      ],
      env: {},
      want: { revocationDelayMs: 50, reactivationDelayMs: 20, zones: ["a", "b"], caDir: "/tmp/ca", rateLimit: false, quiet: true },
    },
    {
      name: "BYO CA ids for hostname associations",
      argv: ["--mtls-certificates", "a, b"],
      env: {},
      want: { mtlsCertificates: ["a", "b"] },
    },
  ])("reads $name", ({ argv, env, want }) => {
    expect(parseCliArguments(argv, env)).toMatchObject(want);
  });

  test.each([
    { argv: ["--port", "eighty"], message: /--port takes a non-negative integer/ },
    { argv: ["--revocation-delay-ms", "1.5"], message: /--revocation-delay-ms takes a non-negative integer/ },
    { argv: ["--colour"], message: /Unknown option '--colour'/ },
    { argv: ["serve"], message: /Unexpected argument 'serve'/ },
  ])("refuses $argv", ({ argv, message }) => {
    expect(() => parseCliArguments(argv, {})).toThrow(CliUsageError);
    expect(() => parseCliArguments(argv, {})).toThrow(message);
  });
});

describe("runCli", () => {
  async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const lines: string[] = [];
    const emulator = await runCli(argv, env, (line) => lines.push(line));
    return { emulator, output: lines.join("\n") };
  }

  test("prints the base URL, the generated token, admin URL, CA location and export lines", async () => {
    const { emulator, output } = await run(["--port", "0", "--quiet"]);
    try {
      expect(emulator?.token).toMatch(/^[A-Za-z0-9_-]{40}$/);
      expect(output).toContain(`API base URL  ${emulator?.baseUrl ?? ""}`);
      expect(output).toContain(`admin         ${emulator?.adminUrl ?? ""}`);
      expect(output).toContain(`API token     ${emulator?.token ?? ""}`);
      expect(output).toContain(`CA            ${emulator?.adminUrl ?? ""}/ca.pem`);
      expect(output).toContain(`export CLOUDFLARE_BASE_URL=${emulator?.baseUrl ?? ""}`);
      expect(output).toContain(`export CLOUDFLARE_API_TOKEN=${emulator?.token ?? ""}`);
    } finally {
      await emulator?.close();
    }
  });

  test("does not adopt CLOUDFLARE_API_TOKEN from the environment (regression: a real token was adopted and printed)", async () => {
    const { emulator, output } = await run(["--port", "0", "--quiet"], { CLOUDFLARE_API_TOKEN: "maybe-real-token" });
    try {
      expect(emulator?.token).toMatch(/^[A-Za-z0-9_-]{40}$/);
      expect(output).not.toContain("maybe-real-token");
      expect(output).toContain(`export CLOUDFLARE_API_TOKEN=${emulator?.token ?? ""}`);
      expect(output).toContain("(this shell's CLOUDFLARE_API_TOKEN is ignored and the emulator refuses it; the line above replaces it)");
      const withShellToken = await callApi(emulator as Emulator, {
        path: `/zones/${"1".repeat(32)}/client_certificates`,
        auth: { token: "maybe-real-token" },
      });
      expect(withShellToken.status).toBe(403);
      expect(withShellToken.text).not.toContain("maybe-real-token");
    } finally {
      await emulator?.close();
    }
  });

  test("never prints a token given with --token, which may be a real one", async () => {
    const { emulator, output } = await run(["--port", "0", "--token", "user-chosen-token", "--quiet"], {
      CLOUDFLARE_API_TOKEN: "user-chosen-token",
    });
    try {
      expect(emulator?.token).toBe("user-chosen-token");
      expect(output).not.toContain("user-chosen-token");
      expect(output).toContain("API token     (given with --token; not printed)");
      expect(output).toContain("export CLOUDFLARE_API_TOKEN=<the token given with --token>");
      expect(output).not.toContain("is ignored");
    } finally {
      await emulator?.close();
    }
  });

  test("prints one line per request, without credentials", async () => {
    const lines: string[] = [];
    const emulator = (await runCli(["--port", "0", "--token", "line-token"], {}, (line) => lines.push(line))) as Emulator;
    try {
      await callApi(emulator, { path: `/zones/${"1".repeat(32)}/client_certificates?page=2` });
      expect(lines.at(-1)).toMatch(/^GET \/client\/v4\/zones\/1{32}\/client_certificates\?page=2 -> 200 in \d+ ms$/);
      expect(lines.join("\n")).not.toContain("Bearer");
      expect(lines.join("\n")).not.toContain("line-token");
    } finally {
      await emulator.close();
    }
  });

  test("--ca-dir creates the CA once and reuses it on the next start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "emulator-ca-"));
    try {
      const first = await run(["--port", "0", "--ca-dir", dir, "--quiet"]);
      await first.emulator?.close();
      expect(first.output).toContain(`${join(dir, "ca.pem")} (created)`);
      expect(((await stat(join(dir, "ca-key.pem"))).mode & 0o777).toString(8)).toBe("600");

      const second = await run(["--port", "0", "--ca-dir", dir, "--quiet"]);
      await second.emulator?.close();
      expect(second.output).toContain(`${join(dir, "ca.pem")} (loaded)`);
      expect(second.emulator?.caCertificatePem).toBe(first.emulator?.caCertificatePem);
      expect(second.emulator?.certificateAuthority.id).toBe(first.emulator?.certificateAuthority.id);
      expect(new X509Certificate(await readFile(join(dir, "ca.pem"), "utf8")).subject).toContain("CN=Cloudflare Managed CA for account");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("--help prints usage and starts nothing", async () => {
    const { emulator, output } = await run(["--help"]);
    expect(emulator).toBeUndefined();
    expect(output).toMatch(/^Usage: npm run emulator -- \[options\]/);
    expect(output).toContain("CLOUDFLARE_API_TOKEN is never read");
  });
});

describe("the emulator CLI process", () => {
  test.each(["SIGINT", "SIGTERM"] as const)(
    "serves until %s, then exits 0",
    async (signal) => {
      const child = spawnTypeScript(join(__dirname, "..", "..", "emulator", "cli.ts"), ["--port", "0", "--quiet"], {
        env: { PATH: process.env["PATH"] ?? "" },
      });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      try {
        const [baseUrl, token] = await new Promise<[string, string]>((resolve, reject) => {
          child.stdout.on("data", () => {
            const baseUrlLine = /export CLOUDFLARE_BASE_URL=(\S+)/.exec(stdout)?.[1];
            const tokenLine = /export CLOUDFLARE_API_TOKEN=(\S+)/.exec(stdout)?.[1];
            if (baseUrlLine !== undefined && tokenLine !== undefined) resolve([baseUrlLine, tokenLine]);
          });
          void exited.then((code) => reject(new Error(`the CLI exited early with ${code}: ${stdout}`)));
        });
        const reply = await fetch(`${baseUrl}/zones/${"1".repeat(32)}/client_certificates`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(reply.status).toBe(200);
        child.kill(signal);
        expect(await exited).toBe(0);
        expect(stdout).toContain(`${signal}: stopping`);
      } finally {
        child.kill("SIGKILL");
      }
      // Compiling and starting a TypeScript child takes seconds on a loaded 2-core machine: a limit, not a measurement.
    },
    60_000,
  );
});
