import { cpSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join } from "node:path";
import type { Emulator } from "../../emulator";
import { installPackage } from "../helpers/installed-package";
import { ensurePulumiCli } from "../../scripts/demo/ensure-pulumi-cli";
import { repositoryRoot } from "../../scripts/demo/repository-root";
import {
  PulumiStack,
  type CommandResult,
  type ExportedResource,
  type OperationOptions,
  type OperationOutput,
} from "../../scripts/engine/pulumi-stack";

export { isEncryptedSecret, type CommandResult, type ExportedResource } from "../../scripts/engine/pulumi-stack";

const repo = repositoryRoot(__dirname);

/**
 * Where the program's provider finds credentials: a token in the environment, a token in stack
 * config, or a global API key and email in stack config (`cloudflare:apiKey` + `cloudflare:email`).
 */
export type CredentialSource = "environment" | "stack-config" | { apiKey: string; email: string };

/**
 * A Pulumi project made from one of `examples/`, laid out as a user has it: the program and
 * its tsconfig in a fresh directory, `pulumi-cloudflare-mtls` installed as a copy of the built
 * package under node_modules (so the provider is captured by `require`, as for users), every
 * other dependency linked from the repository. One stack (a {@link PulumiStack}) talking to the emulator.
 */
export class PulumiProject {
  readonly directory: string;
  readonly stack = "e2e";

  private constructor(private readonly engine: PulumiStack) {
    this.directory = engine.projectDirectory;
  }

  /** Lays out the project for `example` (a directory of `examples/`, or an absolute path to a program) and initialises its stack. */
  static async create(
    example: "basic" | "existing-csr" | "complete-mtls" | (string & {}),
    emulator: Emulator,
    credentials: CredentialSource = "environment",
  ): Promise<PulumiProject> {
    const engine = await PulumiStack.create({
      prefix: `mtls-e2e-${basename(example)}-`,
      stackName: "e2e",
      cliBin: pulumiCliBin(),
      layOut: (project) => {
        cpSync(isAbsolute(example) ? example : join(repo, "examples", example), project, { recursive: true });
        installPackage(project);
      },
      ...(credentials === "environment" ? { api: emulator } : {}),
    });
    if (credentials === "stack-config") {
      await engine.setSecretConfig("cloudflare:apiToken", emulator.token);
      await engine.setConfig("cloudflare:baseUrl", emulator.baseUrl);
    } else if (typeof credentials === "object") {
      await engine.setSecretConfig("cloudflare:apiKey", credentials.apiKey);
      await engine.setConfig("cloudflare:email", credentials.email);
      await engine.setConfig("cloudflare:baseUrl", emulator.baseUrl);
    }
    return new PulumiProject(engine);
  }

  /** Runs `pulumi <args>` in the project, for the CLI's own text or exit code; rejects when it exits non-zero unless `allowFailure`. */
  pulumi(args: string[], options: { allowFailure?: boolean; stdin?: string } = {}): Promise<CommandResult> {
    return this.engine.cli(args, options);
  }

  /** Starts `pulumi <args>` in a process group of its own, to kill it with SIGKILL mid-operation (see {@link PulumiStack.start}). */
  start(args: string[]): { killHard(): void; exited: Promise<CommandResult> } {
    return this.engine.start(args);
  }

  up(options?: OperationOptions): Promise<OperationOutput> {
    return this.engine.up(options);
  }

  preview(options?: OperationOptions): Promise<OperationOutput> {
    return this.engine.preview(options);
  }

  refresh(options?: Omit<OperationOptions, "diff">): Promise<OperationOutput> {
    return this.engine.refresh(options);
  }

  destroy(): Promise<OperationOutput> {
    return this.engine.destroy();
  }

  /** Sets a plain stack config value of the example program. */
  async setConfig(key: string, value: string): Promise<void> {
    await this.engine.setConfig(key, value);
  }

  /** The stack's outputs with secrets in plain text. */
  outputs(): Promise<Record<string, unknown>> {
    return this.engine.outputs();
  }

  async removeConfig(key: string): Promise<void> {
    await this.engine.removeConfig(key);
  }

  /** Replaces the program (`index.ts`) with `source`, as a user pastes code into it. */
  writeProgram(source: string): void {
    writeFileSync(join(this.directory, "index.ts"), source);
  }

  /** `pulumi stack export`, parsed. */
  exportState(): Promise<{ text: string; resources: ExportedResource[] }> {
    return this.engine.exportState();
  }

  /** Bytes of the checkpoint file the backend keeps: the state as stored, compact JSON. */
  checkpointBytes(): number {
    return this.engine.checkpointBytes();
  }

  /** The exported resource of `type` (e.g. "ClientCertificate"); undefined when absent. */
  async resource(type: string): Promise<ExportedResource | undefined> {
    return (await this.exportState()).resources.find((resource) => resource.type.endsWith(`:${type}`));
  }

  /** Removes the stack's state and the temporary directories. */
  async dispose(): Promise<void> {
    this.engine.dispose();
  }
}

/** The CLI's directory: from jest's global setup when it ran, otherwise from ensure.sh (a cache hit is fast). */
function pulumiCliBin(): string {
  const bin = process.env["PULUMI_MTLS_CLI_BIN"] ?? ensurePulumiCli(repositoryRoot());
  process.env["PULUMI_MTLS_CLI_BIN"] = bin;
  return bin;
}
