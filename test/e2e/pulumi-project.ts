import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, isAbsolute, join } from "node:path";
import type { Emulator } from "../emulator";
import { installPackage } from "../helpers/installed-package";
import { enginePath, ensurePulumiCli } from "../../scripts/demo/ensure-pulumi-cli";
import { repositoryRoot } from "../../scripts/demo/repository-root";

const repo = join(__dirname, "..", "..");

/** What one CLI command printed and how it ended. */
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
}

/**
 * Where the program's provider finds credentials: a token in the environment, a token in stack
 * config, or a global API key and email in stack config (`cloudflare:apiKey` + `cloudflare:email`).
 */
export type CredentialSource = "environment" | "stack-config" | { apiKey: string; email: string };

/**
 * A Pulumi project made from one of `examples/`, laid out as a user has it: the program and
 * its tsconfig in a fresh directory, `pulumi-cloudflare-mtls` installed as a copy of the built
 * package under node_modules (so the provider is captured by `require`, as for users), every
 * other dependency linked from the repository. One stack on a local `file://` backend with
 * passphrase secrets, talking to the emulator.
 */
export class PulumiProject {
  readonly directory: string;
  readonly stack = "e2e";
  private readonly root: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(root: string, env: NodeJS.ProcessEnv) {
    this.root = root;
    this.directory = join(root, "project");
    this.env = env;
  }

  /** Lays out the project for `example` (a directory of `examples/`, or an absolute path to a program) and initialises its stack. */
  static async create(example: "basic" | "existing-csr" | "complete-mtls" | (string & {}), emulator: Emulator, credentials: CredentialSource = "environment"): Promise<PulumiProject> {
    const root = mkdtempSync(join(tmpdir(), `mtls-e2e-${basename(example)}-`));
    const project = join(root, "project");
    mkdirSync(project);
    mkdirSync(join(root, "state"));
    mkdirSync(join(root, "home"));
    cpSync(isAbsolute(example) ? example : join(repo, "examples", example), project, { recursive: true });
    installPackage(project);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: enginePath(pulumiCliBin()),
      PULUMI_BACKEND_URL: `file://${join(root, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_HOME: join(root, "home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NO_COLOR: "1",
    };
    for (const name of ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", "CLOUDFLARE_ZONE_ID"]) delete env[name];
    if (credentials === "environment") {
      env["CLOUDFLARE_API_TOKEN"] = emulator.token;
      env["CLOUDFLARE_BASE_URL"] = emulator.baseUrl;
    }

    const created = new PulumiProject(root, env);
    await created.pulumi(["stack", "init", created.stack]);
    if (credentials === "stack-config") {
      // Through stdin: a value on the command line shows in `ps` and in failure messages, and a
      // token starting with "-" would be read as a flag.
      await created.pulumi(["config", "set", "--secret", "cloudflare:apiToken"], { stdin: emulator.token });
      await created.pulumi(["config", "set", "cloudflare:baseUrl", emulator.baseUrl]);
    } else if (typeof credentials === "object") {
      await created.pulumi(["config", "set", "--secret", "cloudflare:apiKey"], { stdin: credentials.apiKey });
      await created.pulumi(["config", "set", "cloudflare:email", credentials.email]);
      await created.pulumi(["config", "set", "cloudflare:baseUrl", emulator.baseUrl]);
    }
    return created;
  }

  /** Runs `pulumi <args>` in the project; rejects when it exits non-zero unless `allowFailure`. */
  pulumi(args: string[], options: { allowFailure?: boolean; stdin?: string } = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const child = execFile("pulumi", ["--non-interactive", ...args], { cwd: this.directory, env: this.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        const result = { code, stdout, stderr };
        if (code !== 0 && options.allowFailure !== true) {
          reject(new Error(`pulumi ${args.join(" ")} exited ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        } else {
          resolve(result);
        }
      });
      child.stdin?.end(options.stdin ?? "");
    });
  }

  /** Sets a plain stack config value of the example program. */
  async setConfig(key: string, value: string): Promise<void> {
    await this.pulumi(["config", "set", key, "--", value]);
  }

  /** Replaces the program (`index.ts`) with `source`, as a user pastes code into it. */
  writeProgram(source: string): void {
    writeFileSync(join(this.directory, "index.ts"), source);
  }

  /** `pulumi stack export`, parsed. */
  async exportState(): Promise<{ text: string; resources: ExportedResource[] }> {
    const { stdout } = await this.pulumi(["stack", "export"]);
    const parsed = JSON.parse(stdout) as { deployment: { resources?: ExportedResource[] } };
    return { text: stdout, resources: parsed.deployment.resources ?? [] };
  }

  /** The exported resource of `type` (e.g. "ClientCertificate"); undefined when absent. */
  async resource(type: string): Promise<ExportedResource | undefined> {
    return (await this.exportState()).resources.find((resource) => resource.type.endsWith(`:${type}`));
  }

  /** Removes the stack's state and the temporary directories. */
  async dispose(): Promise<void> {
    rmSync(this.root, { recursive: true, force: true });
  }
}


/** The CLI's directory: from jest's global setup when it ran, otherwise from ensure.sh (a cache hit is fast). */
function pulumiCliBin(): string {
  const bin = process.env["PULUMI_MTLS_CLI_BIN"] ?? ensurePulumiCli(repositoryRoot());
  process.env["PULUMI_MTLS_CLI_BIN"] = bin;
  return bin;
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
