import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A require hook that transpiles .ts on the fly, so a test can run a TypeScript entry point in a
// real child process (signals, exit codes, stdout) without building dist/ first.
const hookSource = (typescriptPath: string) => `
const ts = require(${JSON.stringify(typescriptPath)});
const fs = require("node:fs");
require.extensions[".ts"] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};
`;

let hookPath: string | undefined;

/** Runs `entry` (a .ts file) with Node, as `node entry args...` would run its compiled output. */
export function spawnTypeScript(
  entry: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildProcessWithoutNullStreams {
  if (hookPath === undefined) {
    hookPath = join(mkdtempSync(join(tmpdir(), "ts-hook-")), "register.cjs");
    writeFileSync(hookPath, hookSource(require.resolve("typescript")));
  }
  return spawn(process.execPath, ["--no-experimental-strip-types", "--require", hookPath, entry, ...args], {
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  });
}
