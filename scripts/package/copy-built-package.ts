import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/**
 * Copies the built package (package.json and dist/provider, what `npm pack` ships) into
 * `modules/pulumi-cloudflare-mtls` as a real directory, replacing any older copy. A copy, not a
 * link: Node resolves links to their real path, and Pulumi's closure serializer writes a `require()`
 * of a provider only when its module's path runs through node_modules (otherwise it inlines the code).
 */
export function copyBuiltPackage(repository: string, modules: string): void {
  const installed = join(modules, "pulumi-cloudflare-mtls");
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  cpSync(join(repository, "package.json"), join(installed, "package.json"));
  cpSync(join(repository, "dist", "provider"), join(installed, "dist", "provider"), { recursive: true });
}
