import { cpSync } from "node:fs";
import { join } from "node:path";
import { PulumiStack } from "../../scripts/engine/pulumi-stack";
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
  private constructor(readonly engine: PulumiStack) {}

  static async create(repository: string, cliBin: string, target: LiveTarget): Promise<LiveStack> {
    const engine = await PulumiStack.create({
      prefix: "cloudflare-mtls-live-",
      stackName: "live",
      cliBin,
      layOut: (project) => {
        cpSync(join(repository, "test", "live", "program"), project, { recursive: true });
        installPackage(project, repository);
      },
      api: target,
    });
    try {
      await engine.setConfig("zoneId", target.zoneId);
      return new LiveStack(engine);
    } catch (error) {
      engine.dispose();
      throw error;
    }
  }

  async certificates(): Promise<StackCertificate[]> {
    return ((await this.engine.outputs())["certificates"] as StackCertificate[] | undefined) ?? [];
  }

  /** How many resources the state holds, the stack itself excluded. */
  async resourceCount(): Promise<number> {
    const { resources } = await this.engine.exportState();
    return resources.filter((resource) => !resource.type.startsWith("pulumi:")).length;
  }

  dispose(): void {
    this.engine.dispose();
  }
}
