import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand, type CommandOutput } from "./run-command";

/** What the engine's provider process is told about the Cloudflare API. */
export interface ApiEndpoint {
  readonly baseUrl: string;
  readonly token: string;
}

/**
 * A throwaway stack of the repository's own Pulumi project (Pulumi.yaml at the root, running
 * examples/complete-mtls). Everything it writes lives in one temporary directory: a `file://` backend, a
 * PULUMI_HOME, and the stack's config file. `pulumi stack init` has no --config-file flag and
 * writes Pulumi.<stack>.yaml next to the Pulumi.yaml it finds, so stack commands run in a
 * directory holding a copy of Pulumi.yaml, while commands that run the program run in the
 * repository with --config-file pointing there. The repository is never written to.
 */
export class DemoStack {
  readonly name = "demo";
  /** Everything any command printed, to prove the token never appears. */
  readonly transcript: string[] = [];
  private readonly projectCopy: string;
  private readonly configFile: string;

  private constructor(
    readonly root: string,
    private readonly repository: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.projectCopy = join(root, "project");
    this.configFile = join(this.projectCopy, `Pulumi.${this.name}.yaml`);
  }

  /** Lays out the temporary directory and runs `pulumi stack init`. */
  static async create(repository: string, enginePath: string, api: ApiEndpoint): Promise<DemoStack> {
    const root = mkdtempSync(join(tmpdir(), "cloudflare-mtls-demo-"));
    try {
      for (const directory of ["state", "home", "project"]) mkdirSync(join(root, directory));
      copyFileSync(join(repository, "Pulumi.yaml"), join(root, "project", "Pulumi.yaml"));
      const stack = new DemoStack(root, repository, engineEnvironment(root, enginePath, api));
      await stack.pulumi(["stack", "init", stack.name], stack.projectCopy, [], false);
      return stack;
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** `pulumi up` / `preview` / `destroy` / `config set`: in the repository, shown to the user. */
  programCommand(args: readonly string[], options: { echo: boolean } = { echo: true }): Promise<CommandOutput> {
    return this.pulumi(args, this.repository, ["--stack", this.name, "--config-file", this.configFile], options.echo);
  }

  /** Stack bookkeeping (`stack output`, `stack export`, `stack rm`): next to the config file, not shown. */
  stackCommand(args: readonly string[]): Promise<CommandOutput> {
    return this.pulumi(args, this.projectCopy, ["--stack", this.name], false);
  }

  async setConfig(key: string, value: string): Promise<void> {
    await this.programCommand(["config", "set", key, "--", value], { echo: false });
  }

  /** The stack's outputs with secrets in plain text; for checking, never for printing. */
  async outputs(): Promise<Record<string, unknown>> {
    const { stdout } = await this.stackCommand(["stack", "output", "--json", "--show-secrets"]);
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  /** `pulumi stack export` as text: the state as it sits in the backend. */
  async exportState(): Promise<string> {
    return (await this.stackCommand(["stack", "export"])).stdout;
  }

  /** Removes the stack and every temporary file. Safe to call more than once. */
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private async pulumi(args: readonly string[], cwd: string, scope: readonly string[], echo: boolean): Promise<CommandOutput> {
    const colour = echo && process.stdout.isTTY ? ["--color", "always"] : [];
    const output = await runCommand("pulumi", withFlags(args, ["--non-interactive", ...colour, ...scope]), { cwd, env: this.env, echo });
    this.transcript.push(output.stdout, output.stderr);
    return output;
  }
}

/** `args` with `flags` added before a `--`, after which everything is a value. */
function withFlags(args: readonly string[], flags: readonly string[]): string[] {
  const end = args.indexOf("--");
  return end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)];
}

/**
 * Our environment without any Pulumi or Cloudflare settings of the user's (a real token, another
 * backend, a passphrase file), plus the temporary backend and the emulator's endpoint.
 */
export function engineEnvironment(root: string, enginePath: string, api: ApiEndpoint): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(PULUMI|CLOUDFLARE)_/.test(name));
  return {
    ...Object.fromEntries(inherited),
    PATH: enginePath,
    PULUMI_BACKEND_URL: `file://${join(root, "state")}`,
    PULUMI_HOME: join(root, "home"),
    PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    CLOUDFLARE_API_TOKEN: api.token,
    CLOUDFLARE_BASE_URL: api.baseUrl,
  };
}
