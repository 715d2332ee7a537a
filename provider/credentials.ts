import { ConfigurationError } from "./errors";

/** The default Cloudflare API endpoint. */
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
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function credentialsFrom(source: SettingsSource, origin: string): Credentials | undefined {
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
export function resolveConnectionSettings(sources: ReadonlyArray<{ origin: string; settings: SettingsSource }>): ConnectionSettings {
  let credentials: Credentials | undefined;
  for (const { origin, settings } of sources) {
    credentials = credentialsFrom(settings, origin);
    if (credentials !== undefined) break;
  }
  if (credentials === undefined) {
    throw new ConfigurationError(`no Cloudflare credentials found: ${HOW_TO_AUTHENTICATE}`);
  }
  const configuredBaseUrl = sources.map(({ settings }) => present(settings.baseUrl)).find((url) => url !== undefined);
  return { credentials, baseUrl: validateBaseUrl(configuredBaseUrl ?? DEFAULT_BASE_URL) };
}

// Arrays, not Sets: Pulumi's closure serializer rebuilds a Set as an empty shell whose methods throw.
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/**
 * Accepts https URLs, and plain http only on loopback (local emulators): a token sent
 * over plain http to another host could be read on the way.
 */
export function validateBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      `the Cloudflare base URL "${value}" is not a URL; set CLOUDFLARE_BASE_URL or cloudflare:baseUrl to e.g. ${DEFAULT_BASE_URL}`,
    );
  }
  const loopback = LOOPBACK_HOSTS.includes(url.hostname) || url.hostname.startsWith("127.");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new ConfigurationError(
      `the Cloudflare base URL ${url.origin} must use https (plain http is allowed only on loopback, for local emulators)`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/** The authentication headers for `credentials`. */
export function authenticationHeaders(credentials: Credentials): Record<string, string> {
  if ("apiToken" in credentials) return { authorization: `Bearer ${credentials.apiToken}` };
  return { "x-auth-key": credentials.apiKey, "x-auth-email": credentials.email };
}
