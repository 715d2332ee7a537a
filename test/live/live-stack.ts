import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineEnvironment } from "../../scripts/demo/demo-stack";
import { runCommand, type CommandOutput } from "../../scripts/demo/run-command";
import { installPackage } from "../helpers/installed-package";
import type { LiveTarget } from "./live-target";

/** One certificate of the stack, from `pulumi stack output --show-secrets`. Never printed. */
export interface StackCertificate {
  readonly keyAlgorithm: string;
  readonly id: string;
  readonly status: string;
  readonly commonName: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/**
 * The live suite's Pulumi project (test/live/program) in a temporary directory, with this package
 * installed as users have it (a copy of dist/provider under node_modules) and a `file://` backend. The
 * token reaches the engine only through the environment of the commands, never their arguments.
 */
export class LiveStack {
  private constructor(
    private readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(repository: string, enginePath: string, target: LiveTarget): Promise<LiveStack> {
    const root = mkdtempSync(join(tmpdir(), "cloudflare-mtls-live-"));
    try {
      const project = join(root, "project");
      for (const directory of ["state", "home", "project"]) mkdirSync(join(root, directory));
      cpSync(join(repository, "test", "live", "program"), project, { recursive: true });
      installPackage(project, repository);
      const stack = new LiveStack(root, { ...engineEnvironment(root, enginePath, target), NO_COLOR: "1" });
      await stack.pulumi(["stack", "init", "live"]);
      await stack.setConfig("zoneId", target.zoneId);
      return stack;
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  pulumi(args: readonly string[]): Promise<CommandOutput> {
    return runCommand("pulumi", ["--non-interactive", ...args], { cwd: join(this.root, "project"), env: this.env, echo: false });
  }

  async setConfig(key: string, value: string): Promise<void> {
    await this.pulumi(["config", "set", key, "--", value]);
  }

  async certificates(): Promise<StackCertificate[]> {
    const { stdout } = await this.pulumi(["stack", "output", "--json", "--show-secrets"]);
    return (JSON.parse(stdout) as { certificates?: StackCertificate[] }).certificates ?? [];
  }

  /** How many resources the state holds, the stack itself excluded. */
  async resourceCount(): Promise<number> {
    const { stdout } = await this.pulumi(["stack", "export"]);
    const resources = (JSON.parse(stdout) as { deployment: { resources?: { type: string }[] } }).deployment.resources ?? [];
    return resources.filter((resource) => !resource.type.startsWith("pulumi:")).length;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

