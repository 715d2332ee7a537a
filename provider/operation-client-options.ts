import type { CloudflareClientOptions } from "./cloudflare-client";
import { resolveConnectionSettings, settingsFromEnvironment, type SettingsSource } from "./credentials";

/**
 * The options of the client one provider operation uses: its requests share one retry budget, and
 * it connects with the connection passed in code, else stack config (what `configure` received),
 * else the environment.
 */
export function operationClientOptions(
  given: CloudflareClientOptions | undefined,
  stackConfig: SettingsSource | undefined,
): CloudflareClientOptions {
  const options: CloudflareClientOptions = { ...given, shareRetryBudget: true };
  if (options.connection !== undefined) return options;
  const connection = resolveConnectionSettings([
    { origin: "stack config", settings: stackConfig ?? {} },
    { origin: "the environment", settings: settingsFromEnvironment() },
  ]);
  return { ...options, connection };
}
