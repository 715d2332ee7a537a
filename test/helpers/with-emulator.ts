import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";

/**
 * Runs `body` against a fresh emulator and always closes it, even when `body` throws.
 *
 * @example
 * await withEmulator({ revocationDelayMs: 50 }, async (emulator) => {
 *   // ...
 * });
 */
export async function withEmulator<T>(body: (emulator: Emulator) => Promise<T>): Promise<T>;
export async function withEmulator<T>(options: EmulatorOptions, body: (emulator: Emulator) => Promise<T>): Promise<T>;
export async function withEmulator<T>(
  optionsOrBody: EmulatorOptions | ((emulator: Emulator) => Promise<T>),
  maybeBody?: (emulator: Emulator) => Promise<T>,
): Promise<T> {
  const [options, body] = typeof optionsOrBody === "function" ? [{}, optionsOrBody] : [optionsOrBody, maybeBody];
  if (body === undefined) throw new TypeError("withEmulator needs a function to run");
  const emulator = await startEmulator(options);
  try {
    return await body(emulator);
  } finally {
    await emulator.close();
  }
}
