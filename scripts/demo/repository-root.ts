import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PACKAGE_NAME = "pulumi-cloudflare-mtls";

/** The repository's root directory, found upwards from `start`, whether run from source or from dist/. */
export function repositoryRoot(start: string = __dirname): string {
  for (let directory = start; ; directory = dirname(directory)) {
    const manifest = join(directory, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === PACKAGE_NAME) {
      return directory;
    }
    if (dirname(directory) === directory) throw new Error(`no ${PACKAGE_NAME} package.json above ${start}`);
  }
}
