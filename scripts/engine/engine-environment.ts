import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { enginePath } from "../demo/ensure-pulumi-cli";

/** What the engine's provider process is told about the Cloudflare API. */
export interface ApiEndpoint {
  readonly baseUrl: string;
  readonly token: string;
}

/** Variables of the user's that never reach a stack we run: another backend, a passphrase file, a real token. */
const USER_SETTINGS = /^(PULUMI|CLOUDFLARE)_/;

/**
 * The environment of every Pulumi command we run (end-to-end tests, the demo, the live suite): ours
 * without any Pulumi or Cloudflare settings of the user's, plus a `file://` backend and a PULUMI_HOME
 * under `root`, passphrase secrets, no update check or plugin download, the CLI in `cliBin` first on
 * PATH, and the API endpoint when given (without it the provider finds its credentials in stack config).
 */
export function engineEnvironment(root: string, cliBin: string, api?: ApiEndpoint): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !USER_SETTINGS.test(entry[0]),
  );
  return {
    ...Object.fromEntries(inherited),
    PATH: enginePath(cliBin),
    PULUMI_BACKEND_URL: `file://${join(root, "state")}`,
    PULUMI_HOME: join(root, "home"),
    PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...(api === undefined ? {} : { CLOUDFLARE_API_TOKEN: api.token, CLOUDFLARE_BASE_URL: api.baseUrl }),
  };
}

/**
 * `environment` as the Automation API's `envVars`, which it lays over our own `process.env` rather
 * than replacing it: every user setting it leaves out is overridden with an empty value, which Pulumi
 * and this provider read as unset.
 */
export function asOverrides(environment: Readonly<Record<string, string>>): Record<string, string> {
  const removed = Object.keys(process.env).filter((name) => USER_SETTINGS.test(name) && !(name in environment));
  return { ...Object.fromEntries(removed.map((name) => [name, ""])), ...environment };
}
