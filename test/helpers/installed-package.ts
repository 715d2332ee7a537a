import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repositoryRoot } from "../../scripts/demo/repository-root";
import { copyBuiltPackage } from "../../scripts/package/copy-built-package";

/** The repository, whether this runs from test/helpers (ts-jest) or from dist/ (benchmarks). */
const repo = repositoryRoot(__dirname);

/**
 * Installs the built package into `project/node_modules` as users have it: a real directory
 * (package.json and dist/provider, so Pulumi's serializer sees a path under node_modules and
 * captures the provider by `require`), with every other dependency linked from the repository.
 * Needs a current `dist/` (jest's global setup builds it).
 */
export function installPackage(project: string, repository: string = repo): void {
  const modules = join(project, "node_modules");
  mkdirSync(modules, { recursive: true });
  for (const entry of readdirSync(join(repository, "node_modules"))) {
    if (entry === ".bin" || entry === ".package-lock.json" || entry === "pulumi-cloudflare-mtls") continue;
    symlinkSync(join(repository, "node_modules", entry), join(modules, entry));
  }
  copyBuiltPackage(repository, modules);
}

/** A fresh temporary project directory with the package installed; the caller removes it. */
export function projectWithInstalledPackage(prefix = "mtls-installed-"): string {
  const project = mkdtempSync(join(tmpdir(), prefix));
  installPackage(project);
  return project;
}
