import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { LocalWorkspace, PulumiCommand, Stack, type ConfigValue } from "@pulumi/pulumi/automation";
import { asOverrides, engineEnvironment, type ApiEndpoint } from "./engine-environment";

/** What one CLI command printed (colours removed) and how it ended. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A resource as `pulumi stack export` shows it. */
export interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  external?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** Where the program declared the resource, as the engine recorded it (`project:///<file>#<line>,<column>`). */
  sourcePosition?: string;
  /** The stack of that declaration, innermost frame first. */
  stackTrace?: Array<{ sourcePosition?: string }>;
}

export interface PulumiStackOptions {
  /** Start of the temporary directory's name. */
  readonly prefix: string;
  readonly stackName: string;
  /** The directory holding `pulumi` and its Node.js plugins (`ensurePulumiCli`). */
  readonly cliBin: string;
  /**
   * Writes the project (Pulumi.yaml and the program) into the empty `projectDirectory`. Pulumi writes
   * the stack's config file (Pulumi.<stack>.yaml) next to Pulumi.yaml, so a project that must stay
   * untouched, such as the repository's own, is laid out as links to its files.
   */
  readonly layOut: (projectDirectory: string) => void;
  /** The API the provider process is pointed at through its environment; without it, stack config must say. */
  readonly api?: ApiEndpoint;
  /** Copy each operation's output to ours as it arrives (in colour on a terminal), so a user watches it work. */
  readonly echo?: boolean;
}

/** Options of {@link PulumiStack.up}, {@link PulumiStack.preview}, {@link PulumiStack.refresh}. */
export interface OperationOptions {
  /** Fail when the operation would change anything. */
  readonly expectNoChanges?: boolean;
  /** Show each property changed (`--diff`). */
  readonly diff?: boolean;
}

/** What an operation printed. */
export interface OperationOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One stack on a throwaway `file://` backend, driven through the Pulumi Automation API by the
 * end-to-end tests, the demo and the live suite. Everything it writes lives in one temporary directory:
 * `state/` (the backend), `home/` (PULUMI_HOME), `project/` and `cli/bin` (a link to the CLI's directory). Every command, Automation API or raw,
 * gets the environment of {@link engineEnvironment}.
 */
export class PulumiStack {
  /** Everything any command printed, so a caller can prove that a token never appears. */
  readonly transcript: string[] = [];
  readonly projectDirectory: string;

  private constructor(
    readonly root: string,
    readonly name: string,
    private readonly environment: Record<string, string>,
    private readonly stack: Stack,
    private readonly echo: boolean,
  ) {
    this.projectDirectory = join(root, "project");
  }

  /** Lays out the temporary directory and creates the stack. */
  static async create(options: PulumiStackOptions): Promise<PulumiStack> {
    const root = mkdtempSync(join(tmpdir(), options.prefix));
    try {
      for (const directory of ["state", "home", "project"]) mkdirSync(join(root, directory));
      const project = join(root, "project");
      options.layOut(project);
      const environment = engineEnvironment(root, options.cliBin, options.api);
      // PulumiCommand runs <root>/bin/pulumi: a link named bin fits wherever ensure.sh found the CLI.
      mkdirSync(join(root, "cli"));
      symlinkSync(options.cliBin, join(root, "cli", "bin"));
      const pulumiCommand = await PulumiCommand.get({ root: join(root, "cli") });
      const workspace = await LocalWorkspace.create({
        workDir: project,
        pulumiHome: join(root, "home"),
        envVars: asOverrides(environment),
        pulumiCommand,
      });
      const stack = await Stack.create(options.stackName, workspace);
      return new PulumiStack(root, options.stackName, environment, stack, options.echo === true);
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  async up(options: OperationOptions = {}): Promise<OperationOutput> {
    return this.record(await this.stack.up({ ...this.operation(), ...options }));
  }

  async preview(options: OperationOptions = {}): Promise<OperationOutput> {
    return this.record(await this.stack.preview({ ...this.operation(), ...options }));
  }

  async refresh(options: Omit<OperationOptions, "diff"> = {}): Promise<OperationOutput> {
    return this.record(await this.stack.refresh({ ...this.operation(), ...options }));
  }

  async destroy(): Promise<OperationOutput> {
    return this.record(await this.stack.destroy(this.operation()));
  }

  /** Sets a plain config value of the stack. */
  async setConfig(key: string, value: string): Promise<void> {
    await this.stack.setConfig(key, { value, secret: false } satisfies ConfigValue);
  }

  /**
   * Sets a secret config value through the CLI's stdin: the Automation API would put it on the command
   * line, where `ps` shows it and a failure message repeats it.
   */
  async setSecretConfig(key: string, value: string): Promise<void> {
    await this.cli(["config", "set", "--secret", key], { stdin: value });
  }

  async removeConfig(key: string): Promise<void> {
    await this.stack.removeConfig(key);
  }

  /** The stack's outputs with secrets in plain text; for checking, never for printing. */
  async outputs(): Promise<Record<string, unknown>> {
    const outputs = await this.stack.outputs();
    return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
  }

  /**
   * The state as it sits in the backend: `pulumi stack export` as text, and its resources. Through the
   * CLI: the Automation API's exportStack decrypts every secret (`--show-secrets`), and the point of
   * looking is often to see that they are not in clear.
   */
  async exportState(): Promise<{ text: string; resources: ExportedResource[] }> {
    const { stdout } = await this.cli(["stack", "export"]);
    const exported = JSON.parse(stdout) as { deployment: { resources?: ExportedResource[] } };
    return { text: stdout, resources: exported.deployment.resources ?? [] };
  }

  /**
   * Bytes of the stack's checkpoint file in the `file://` backend: the state as the engine stores it
   * (compact JSON), where `pulumi stack export` prints it indented.
   */
  checkpointBytes(): number {
    const stacks = join(this.root, "state", ".pulumi", "stacks");
    const files = readdirSync(stacks).map((project) => join(stacks, project, `${this.name}.json`));
    const file = files.find((candidate) => existsSync(candidate));
    if (file === undefined) throw new Error(`no checkpoint of stack ${this.name} under ${stacks}`);
    return statSync(file).size;
  }

  /** Removes the stack from the backend (the state must be empty). */
  async remove(): Promise<void> {
    await this.stack.workspace.removeStack(this.name);
  }

  /**
   * Runs `pulumi <args>` in the project directory, for what the Automation API does not show: the
   * CLI's own text and exit code (a failed `up`), or commands it has no method for. Rejects on a
   * non-zero exit unless `allowFailure`.
   */
  cli(args: readonly string[], options: { allowFailure?: boolean; stdin?: string } = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", withFlags(args, ["--non-interactive", "--color", "never"]), {
        cwd: this.projectDirectory,
        env: this.environment,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.once("error", (error) => reject(new Error(`could not start pulumi: ${error.message}`)));
      child.once("close", (exitCode, signal) => {
        const result = { code: exitCode ?? 1, stdout: text(stdout), stderr: text(stderr) };
        this.transcript.push(result.stdout, result.stderr);
        if (result.code === 0 || options.allowFailure === true) {
          resolve(result);
        } else {
          const ended = signal === null ? `exited ${result.code}` : `was stopped by ${signal}`;
          reject(new Error(`pulumi ${args.join(" ")} ${ended}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`));
        }
      });
      child.stdin.end(options.stdin ?? "");
    });
  }

  /**
   * Starts `pulumi <args>` in a process group of its own, for a test that kills it mid-operation as a
   * CI timeout or an OOM kill does: `killHard()` sends SIGKILL to the CLI and every plugin it started.
   */
  start(args: readonly string[]): { killHard(): void; exited: Promise<CommandResult> } {
    const child = spawn("pulumi", withFlags(args, ["--non-interactive", "--color", "never"]), {
      cwd: this.projectDirectory,
      env: this.environment,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const exited = new Promise<CommandResult>((resolve) =>
      child.once("close", (exitCode, signal) =>
        resolve({ code: exitCode ?? (signal === null ? 1 : 137), stdout: text(stdout), stderr: text(stderr) }),
      ),
    );
    return {
      killHard: () => {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      },
      exited,
    };
  }

  /** Removes the stack's state and every temporary file. Safe to call more than once. */
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private operation() {
    const echoed = this.echo
      ? { onOutput: (out: string) => process.stdout.write(out), onError: (err: string) => process.stderr.write(err) }
      : {};
    return { color: this.echo && process.stdout.isTTY ? ("always" as const) : ("never" as const), ...echoed };
  }

  private record(output: OperationOutput): OperationOutput {
    const plain = { stdout: stripVTControlCharacters(output.stdout), stderr: stripVTControlCharacters(output.stderr) };
    this.transcript.push(plain.stdout, plain.stderr);
    return plain;
  }
}

function text(chunks: readonly Buffer[]): string {
  return stripVTControlCharacters(Buffer.concat(chunks).toString("utf8"));
}

/** `args` with `flags` added before a `--`, after which everything is a value. */
function withFlags(args: readonly string[], flags: readonly string[]): string[] {
  const end = args.indexOf("--");
  return end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)];
}

/** Whether `value` is a Pulumi secret as stored by the passphrase secrets provider. */
export function isEncryptedSecret(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270" &&
    typeof (value as Record<string, unknown>)["ciphertext"] === "string"
  );
}
