import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const OPENSSL = "/usr/bin/openssl";

/** Runs openssl with `files` written to a temporary directory; `{dir}` in arguments is replaced by it. */
export async function openssl(
  args: readonly string[],
  files: Readonly<Record<string, string>> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), "emulator-openssl-"));
  try {
    await Promise.all(Object.entries(files).map(([name, content]) => writeFile(join(dir, name), content)));
    return await new Promise((resolve) => {
      execFile(
        OPENSSL,
        args.map((arg) => arg.replaceAll("{dir}", dir)),
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
