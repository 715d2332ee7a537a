import { authenticationHeaders, resolveConnectionSettings, settingsFromConfig, settingsFromEnvironment, validateBaseUrl } from "../provider/credentials";
import { ConfigurationError } from "../provider/errors";

const fromEnv = (env: Record<string, string>) => ({ origin: "the environment", settings: settingsFromEnvironment(env) });
const fromConfig = (config: Record<string, string>) => ({ origin: "stack config", settings: settingsFromConfig((key) => config[key]) });

describe("resolveConnectionSettings", () => {
  test("uses CLOUDFLARE_API_TOKEN as a bearer token against the default endpoint", () => {
    const settings = resolveConnectionSettings([fromEnv({ CLOUDFLARE_API_TOKEN: "tok" })]);
    expect(settings).toEqual({ credentials: { apiToken: "tok" }, baseUrl: "https://api.cloudflare.com/client/v4" });
    expect(authenticationHeaders(settings.credentials)).toEqual({ authorization: "Bearer tok" });
  });

  test("uses a global API key with its email", () => {
    const settings = resolveConnectionSettings([fromEnv({ CLOUDFLARE_API_KEY: "key", CLOUDFLARE_EMAIL: "ops@example.com" })]);
    expect(authenticationHeaders(settings.credentials)).toEqual({ "x-auth-key": "key", "x-auth-email": "ops@example.com" });
  });

  test("prefers stack config over the environment, and takes the base URL from either", () => {
    const settings = resolveConnectionSettings([
      fromConfig({ "cloudflare:apiToken": "from-config" }),
      fromEnv({ CLOUDFLARE_API_TOKEN: "from-env", CLOUDFLARE_BASE_URL: "http://127.0.0.1:8787/client/v4/" }),
    ]);
    expect(settings).toEqual({ credentials: { apiToken: "from-config" }, baseUrl: "http://127.0.0.1:8787/client/v4" });
  });

  test("names every variable and config key when nothing is set", () => {
    expect(() => resolveConnectionSettings([fromConfig({}), fromEnv({})])).toThrow(
      new ConfigurationError(
        "no Cloudflare credentials found: set CLOUDFLARE_API_TOKEN (or `pulumi config set --secret cloudflare:apiToken <token>`), " +
          "or CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL (or cloudflare:apiKey with cloudflare:email); " +
          'the token needs the "SSL and Certificates Write" permission on the zone',
      ),
    );
  });

  test("says which half of a key pair is missing, without printing the key", () => {
    const error = (() => {
      try {
        resolveConnectionSettings([fromEnv({ CLOUDFLARE_API_KEY: "s3cr3t-key" })]);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected a ConfigurationError");
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/from the environment are incomplete: .* the account email is missing/);
    expect(error.message).not.toContain("s3cr3t-key");
  });
});

describe("validateBaseUrl", () => {
  test.each(["https://api.cloudflare.com/client/v4", "http://127.0.0.1:9/client/v4", "http://localhost:9/client/v4", "http://[::1]:9/client/v4"])("accepts %s", (url) => {
    expect(validateBaseUrl(url)).toBe(url);
  });
  test("refuses plain http to another host, so a token never crosses the network in clear", () => {
    expect(() => validateBaseUrl("http://api.example.com/client/v4")).toThrow(/must use https \(plain http is allowed only on loopback/);
  });
  test("refuses something that is not a URL", () => {
    expect(() => validateBaseUrl("api.cloudflare.com")).toThrow(/is not a URL; set CLOUDFLARE_BASE_URL or cloudflare:baseUrl/);
  });
});
