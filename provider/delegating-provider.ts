import type * as pulumi from "@pulumi/pulumi";
import { createRequire } from "node:module";
import { join } from "node:path";

type Provider = pulumi.dynamic.ResourceProvider;

/**
 * The provider each resource of this package hands to `pulumi.dynamic.Resource`: it names the module
 * and export of the real provider and loads it on first use in the provider process.
 *
 * The closure serializer writes the provider into every resource's state (`__provider`, twice). The
 * real providers inline 10 KB or more of code there. One of these per resource type is the whole
 * export of its own module (`*-provider-reference.ts`). When the package is loaded from a
 * `node_modules` (users' projects, and this repository's examples and demo, which get a copy from
 * `npm run build`), the serializer writes just `require()` of that module. A program that imports the
 * package's files by path gets this object inlined instead, which is why it is a plain object of
 * one-line arrows around one loader (each inlined function costs about 250 bytes of wrapping).
 * Either way state holds a reference, not the code, and nothing secret: the captured values are two
 * strings.
 *
 * The provider process evaluates `__provider` with the Pulumi project directory as working
 * directory, and modules resolve from there: from the package installed in the project's
 * `node_modules`, or, with the repository root as project, from the repository itself (the
 * package's own name resolves to its `dist/` through the `exports` map).
 */
export function delegatingProvider(module: string, exportName: string): Provider {
  // A plain object the serializer writes once and every method shares: the real provider is loaded and
  // constructed once per provider process (the host keeps one instance per `__provider` text).
  const slot: { loaded?: Provider } = {};
  const target = (): Provider => (slot.loaded ??= loadProvider(module, exportName));
  return {
    configure: async (request) => target().configure?.(request),
    check: async (olds, news) => target().check!(olds, news),
    diff: async (id, olds, news) => target().diff!(id, olds, news),
    create: async (inputs) => target().create(inputs),
    read: async (id, props) => target().read!(id, props),
    update: async (id, olds, news) => target().update!(id, olds, news),
    delete: async (id, props) => target().delete!(id, props),
  };
}

/** Constructs the provider class `exportName` of this package's module `dist/provider/<module>.js`, resolved from the project directory. */
function loadProvider(module: string, exportName: string): Provider {
  const specifier = `pulumi-cloudflare-mtls/dist/provider/${module}.js`;
  let exported: Record<string, new () => Provider>;
  try {
    // Resolved as from a file in the project directory: its node_modules, or this package itself.
    exported = createRequire(join(process.cwd(), "index.js"))(specifier) as typeof exported;
  } catch (error) {
    throw new Error(
      `loading ${specifier} from ${process.cwd()}: ${String(error).split("\n")[0]}; install pulumi-cloudflare-mtls in the Pulumi project`,
    );
  }
  return new exported[exportName]!();
}
