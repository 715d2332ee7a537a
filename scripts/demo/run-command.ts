import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";

/** What a finished command printed, with terminal colours removed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Copy the command's output to ours as it arrives, so the user watches it work. */
  readonly echo: boolean;
}

/**
 * Runs `command args`, collecting its output (and echoing it when asked). Rejects when it exits
 * non-zero; the message carries the captured output unless it was already on the screen.
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr.push(chunk);
      if (options.echo) process.stderr.write(chunk);
    });
    child.once("error", (error) => reject(new Error(`could not start ${command}: ${error.message}`)));
    child.once("close", (code, signal) => {
      const output = {
        stdout: stripVTControlCharacters(Buffer.concat(stdout).toString("utf8")),
        stderr: stripVTControlCharacters(Buffer.concat(stderr).toString("utf8")),
      };
      if (code === 0) {
        resolve(output);
        return;
      }
      const ended = signal === null ? `exited ${code}` : `was stopped by ${signal}`;
      const shown = options.echo ? " (its output is above)" : `\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`;
      reject(new Error(`${command} ${args.join(" ")} ${ended}${shown}`));
    });
  });
}
