import { isIPv4 } from "node:net";
import { ConfigurationError } from "./errors";

export const DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";

/** How requests authenticate: an API token (preferred) or a global API key with its account email. */
export type Credentials = { apiToken: string } | { apiKey: string; email: string };

/** Where to connect and how to authenticate. */
export interface ConnectionSettings {
  credentials: Credentials;
  baseUrl: string;
}

/**
 * Raw settings from one source (stack config or environment). Every field is
 * optional: resolution picks the first source that has credentials.
 */
export interface SettingsSource {
  apiToken?: string | undefined;
  apiKey?: string | undefined;
  email?: string | undefined;
  baseUrl?: string | undefined;
}

/** Reads the variables Cloudflare's own tools use. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): SettingsSource {
  return {
    apiToken: env["CLOUDFLARE_API_TOKEN"],
    apiKey: env["CLOUDFLARE_API_KEY"],
    email: env["CLOUDFLARE_EMAIL"],
    baseUrl: env["CLOUDFLARE_BASE_URL"],
  };
}

/** Reads `cloudflare:apiToken`, `cloudflare:apiKey`, `cloudflare:email`, `cloudflare:baseUrl` from stack config. */
export function settingsFromConfig(get: (key: string) => string | undefined): SettingsSource {
  return {
    apiToken: get("cloudflare:apiToken"),
    apiKey: get("cloudflare:apiKey"),
    email: get("cloudflare:email"),
    baseUrl: get("cloudflare:baseUrl"),
  };
}

const HOW_TO_AUTHENTICATE =
  "set CLOUDFLARE_API_TOKEN (or `pulumi config set --secret cloudflare:apiToken <token>`), " +
  "or CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL (or cloudflare:apiKey with cloudflare:email); " +
  'the token needs the "SSL and Certificates Write" permission on the zone';

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Where settings come from; names the variables or config keys in messages. */
export type SettingsOrigin = "stack config" | "the environment";

function credentialsFrom(source: SettingsSource, origin: SettingsOrigin): Credentials | undefined {
  const apiToken = present(source.apiToken);
  if (apiToken !== undefined) return { apiToken };
  const apiKey = present(source.apiKey);
  const email = present(source.email);
  if (apiKey !== undefined && email !== undefined) return { apiKey, email };
  if (apiKey !== undefined || email !== undefined) {
    const missing = apiKey === undefined ? "the API key" : "the account email";
    throw new ConfigurationError(
      `Cloudflare credentials from ${origin} are incomplete: a global API key needs its account email and the reverse, ${missing} is missing; ${HOW_TO_AUTHENTICATE}`,
    );
  }
  return undefined;
}

/**
 * Resolves credentials and base URL at call time. Sources are tried in order
 * (stack config before environment, as Pulumi providers do); the first with
 * credentials wins, and the base URL comes from the first source that sets one.
 */
export function resolveConnectionSettings(
  sources: ReadonlyArray<{ origin: SettingsOrigin; settings: SettingsSource }>,
): ConnectionSettings {
  let credentials: Credentials | undefined;
  for (const { origin, settings } of sources) {
    credentials = credentialsFrom(settings, origin);
    if (credentials !== undefined) {
      validateCredentials(credentials, origin === "stack config" ? CONFIG_NAMES : ENVIRONMENT_NAMES);
      break;
    }
  }
  if (credentials === undefined) {
    throw new ConfigurationError(`no Cloudflare credentials found: ${HOW_TO_AUTHENTICATE}`);
  }
  const configuredBaseUrl = sources.map(({ settings }) => present(settings.baseUrl)).find((url) => url !== undefined);
  return { credentials, baseUrl: validateBaseUrl(configuredBaseUrl ?? DEFAULT_BASE_URL) };
}

/**
 * Accepts https URLs, and plain http only on loopback (local emulators): a token sent
 * over plain http to another host could be read on the way. Loopback means an IPv4
 * literal in 127.0.0.0/8, `[::1]` or exactly `localhost`: names such as
 * `127.0.0.1.example.com` are DNS names that can point anywhere. URLs with a user name or
 * password are refused, and a value that is not a URL is described, never echoed (it may
 * be a token pasted into the wrong variable).
 */
export function validateBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      `the Cloudflare base URL is not a URL (${describeUnparsableUrl(value)}); set CLOUDFLARE_BASE_URL or cloudflare:baseUrl to e.g. ${DEFAULT_BASE_URL}`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigurationError(
      `the Cloudflare base URL for host ${url.host} contains a user name or password; remove them from CLOUDFLARE_BASE_URL or cloudflare:baseUrl and set the credentials in CLOUDFLARE_API_TOKEN (or cloudflare:apiToken)`,
    );
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new ConfigurationError(
      `the Cloudflare base URL ${url.origin} must use https (plain http is allowed only on loopback: 127.0.0.0/8, [::1] or localhost, for local emulators)`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * Whether a URL's hostname (as the WHATWG parser normalised it: IPv4 literals in dotted decimal,
 * IPv6 literals in brackets) is this machine. Only literals and `localhost` qualify.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === "localhost" || hostname === "[::1]") return true;
  return isIPv4(hostname) && hostname.startsWith("127.");
}

/** Says what is wrong with a value that does not parse as a URL, without repeating it. */
function describeUnparsableUrl(value: string): string {
  const length = value.length === 1 ? "1 character" : `${value.length} characters`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return `${length}, no scheme such as https://`;
  return `${length}, not a valid URL after its scheme`;
}

/** Header values must be visible ASCII: anything else makes the HTTP library throw before sending. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * Checks that credentials can travel in HTTP headers, naming the variable or key to fix and
 * never the value: a line break or a non-ASCII character (a token pasted with its quotes or
 * from a rich-text page) would otherwise fail deep in the HTTP layer.
 */
export function validateCredentials(credentials: Credentials, names: CredentialNames): void {
  const fields: Array<[string, string]> =
    "apiToken" in credentials
      ? [[credentials.apiToken, names.apiToken]]
      : [
          [credentials.apiKey, names.apiKey],
          [credentials.email, names.email],
        ];
  for (const [value, name] of fields) {
    const problem = describeHeaderProblem(value);
    if (problem !== undefined) {
      throw new ConfigurationError(`${name} ${problem}; copy the value again (it is not shown here), nothing was sent to Cloudflare`);
    }
  }
}

/** Where each credential came from, for messages. */
export interface CredentialNames {
  apiToken: string;
  apiKey: string;
  email: string;
}

/** Names used when credentials are passed in code (`connection.credentials`). */
export const CODE_CREDENTIAL_NAMES: CredentialNames = {
  apiToken: "connection.credentials.apiToken",
  apiKey: "connection.credentials.apiKey",
  email: "connection.credentials.email",
};

const ENVIRONMENT_NAMES: CredentialNames = { apiToken: "CLOUDFLARE_API_TOKEN", apiKey: "CLOUDFLARE_API_KEY", email: "CLOUDFLARE_EMAIL" };
const CONFIG_NAMES: CredentialNames = { apiToken: "cloudflare:apiToken", apiKey: "cloudflare:apiKey", email: "cloudflare:email" };

function describeHeaderProblem(value: string): string | undefined {
  if (value === "") return "is empty";
  if (HEADER_SAFE.test(value)) return undefined;
  const index = [...value].findIndex((character) => !HEADER_SAFE.test(character));
  const character = [...value][index] ?? "";
  const what = /[\r\n]/.test(character)
    ? "a line break"
    : /\s/.test(character)
      ? "white space"
      : /[\x00-\x1f\x7f]/.test(character)
        ? "a control character"
        : "a non-ASCII character";
  return `contains ${what} at position ${index + 1}; credentials are visible ASCII only`;
}

/** The authentication headers for `credentials`. */
export function authenticationHeaders(credentials: Credentials): Record<string, string> {
  if ("apiToken" in credentials) return { authorization: `Bearer ${credentials.apiToken}` };
  return { "x-auth-key": credentials.apiKey, "x-auth-email": credentials.email };
}
