import type * as pulumi from "@pulumi/pulumi";
import { createRequire } from "node:module";
import { join } from "node:path";

type Provider = pulumi.dynamic.ResourceProvider;

/**
 * The provider each resource of this package hands to `pulumi.dynamic.Resource`: it names the module
 * and export of the real provider and loads it on first use in the provider process.
 *
 * The closure serializer writes the provider into every resource's state (`__provider`, twice). The
 * real providers inline 10 KB or more of code there (over 100 KB when a program in this repository
 * uses them). One instance of this class per resource type is the whole export of its own module
 * (`*-provider-reference.ts`): from an installed package the serializer writes just `require()` of
 * that module; from this repository's own programs, where nothing is under node_modules, it inlines
 * this small class instead. Either way state holds a reference, not the code, and nothing secret:
 * the properties are two strings.
 *
 * The provider process evaluates `__provider` with the Pulumi project directory as working
 * directory, and modules resolve from there: from the package installed in the project's
 * `node_modules`, or, inside this repository, from the repository itself (the package's own name
 * resolves to its `dist/` through the `exports` map).
 */
export class DelegatingProvider implements Provider {
  /** A module of this package below `dist/provider`, e.g. `client-certificate-provider`. */
  readonly module: string;
  /** The provider class exported by that module, constructed with no arguments. */
  readonly exportName: string;

  constructor(module: string, exportName: string) {
    this.module = module;
    this.exportName = exportName;
  }

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    await this.target().configure?.(request);
  }

  async check(olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult> {
    return this.target().check!(olds, news);
  }

  async diff(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.DiffResult> {
    return this.target().diff!(id, olds, news);
  }

  async create(inputs: unknown): Promise<pulumi.dynamic.CreateResult> {
    return this.target().create(inputs);
  }

  async read(id: string, props?: unknown): Promise<pulumi.dynamic.ReadResult> {
    return this.target().read!(id, props);
  }

  async update(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult> {
    return this.target().update!(id, olds, news);
  }

  async delete(id: string, props: unknown): Promise<void> {
    return this.target().delete!(id, props);
  }

  /**
   * The real provider, loaded and constructed once per provider process (the host keeps one
   * instance of this object per `__provider` text, so every resource of a type shares it).
   */
  target(): Provider {
    const self = this as { loaded?: Provider };
    if (self.loaded === undefined) {
      const specifier = `pulumi-cloudflare-mtls/dist/provider/${this.module}.js`;
      let exported: Record<string, new () => Provider>;
      try {
        // Resolved as from a file in the project directory: its node_modules, or this package itself.
        exported = createRequire(join(process.cwd(), "index.js"))(specifier) as typeof exported;
      } catch (error) {
        throw new Error(
          `loading ${specifier} from ${process.cwd()}: ${String(error).split("\n")[0]}; install pulumi-cloudflare-mtls in the Pulumi project`,
        );
      }
      self.loaded = new exported[this.exportName]!();
    }
    return self.loaded;
  }
}
