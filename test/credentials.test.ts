import {
  authenticationHeaders,
  isLoopbackHost,
  resolveConnectionSettings,
  settingsFromConfig,
  settingsFromEnvironment,
  validateBaseUrl,
  validateCredentials,
  CODE_CREDENTIAL_NAMES,
} from "../provider/credentials";
import { ConfigurationError } from "../provider/errors";

const fromEnv = (env: Record<string, string>) => ({ origin: "the environment" as const, settings: settingsFromEnvironment(env) });
const fromConfig = (config: Record<string, string>) => ({
  origin: "stack config" as const,
  settings: settingsFromConfig((key) => config[key]),
});

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

  test("a value of white space only counts as unset: the next source's credentials are used", () => {
    const settings = resolveConnectionSettings([
      fromConfig({ "cloudflare:apiToken": "  \t " }),
      fromEnv({ CLOUDFLARE_API_TOKEN: "from-env" }),
    ]);
    expect(settings.credentials).toEqual({ apiToken: "from-env" });
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

describe("settingsFromConfig", () => {
  test("reads each setting from its own cloudflare: key", () => {
    const config: Record<string, string> = {
      "cloudflare:apiToken": "token",
      "cloudflare:apiKey": "key",
      "cloudflare:email": "ops@example.com",
      "cloudflare:baseUrl": "https://api.example.com/client/v4",
    };
    expect(settingsFromConfig((key) => config[key])).toEqual({
      apiToken: "token",
      apiKey: "key",
      email: "ops@example.com",
      baseUrl: "https://api.example.com/client/v4",
    });
  });

  test("a key pair from stack config without its key names the key as missing", () => {
    expect(() => resolveConnectionSettings([fromConfig({ "cloudflare:email": "ops@example.com" })])).toThrow(
      /^Cloudflare credentials from stack config are incomplete: a global API key needs its account email and the reverse, the API key is missing; /,
    );
  });
});

test("credentials passed in code that are empty are named in the error", () => {
  expect(() => validateCredentials({ apiToken: "" }, CODE_CREDENTIAL_NAMES)).toThrow(
    new ConfigurationError(
      "connection.credentials.apiToken is empty; copy the value again (it is not shown here), nothing was sent to Cloudflare",
    ),
  );
  expect(() => validateCredentials({ apiKey: "key", email: "" }, CODE_CREDENTIAL_NAMES)).toThrow(
    /^connection.credentials.email is empty; /,
  );
  expect(() => validateCredentials({ apiKey: "", email: "a@b.c" }, CODE_CREDENTIAL_NAMES)).toThrow(
    /^connection.credentials.apiKey is empty; /,
  );
});

describe("credentials that cannot travel in a header", () => {
  test.each([
    ["CLOUDFLARE_API_TOKEN", fromEnv({ CLOUDFLARE_API_TOKEN: "ab\ncd" }), /^CLOUDFLARE_API_TOKEN contains a line break at position 3;/],
    [
      "CLOUDFLARE_EMAIL",
      fromEnv({ CLOUDFLARE_API_KEY: "key", CLOUDFLARE_EMAIL: "ops@exämple.com" }),
      /^CLOUDFLARE_EMAIL contains a non-ASCII character at position 7;/,
    ],
    ["cloudflare:apiToken", fromConfig({ "cloudflare:apiToken": "to ken" }), /^cloudflare:apiToken contains white space at position 3;/],
    [
      "cloudflare:apiKey",
      fromConfig({ "cloudflare:apiKey": "k\u0000y", "cloudflare:email": "a@b.c" }),
      /^cloudflare:apiKey contains a control character at position 2;/,
    ],
    [
      "CLOUDFLARE_API_KEY",
      fromEnv({ CLOUDFLARE_API_KEY: "k y", CLOUDFLARE_EMAIL: "a@b.c" }),
      /^CLOUDFLARE_API_KEY contains white space at position 2;/,
    ],
    [
      "cloudflare:email",
      fromConfig({ "cloudflare:apiKey": "key", "cloudflare:email": "a@b\n.c" }),
      /^cloudflare:email contains a line break at position 4;/,
    ],
    [
      "CLOUDFLARE_API_TOKEN (DEL)",
      fromEnv({ CLOUDFLARE_API_TOKEN: "abc\u007fdef" }),
      /^CLOUDFLARE_API_TOKEN contains a control character at position 4;/,
    ],
  ])("names %s and not the value", (_name, source, want) => {
    expect(() => resolveConnectionSettings([source])).toThrow(ConfigurationError);
    expect(() => resolveConnectionSettings([source])).toThrow(want);
    expect(() => resolveConnectionSettings([source])).toThrow(
      /copy the value again \(it is not shown here\), nothing was sent to Cloudflare$/,
    );
  });
});

describe("validateBaseUrl", () => {
  test.each([
    "https://api.cloudflare.com/client/v4",
    "http://127.0.0.1:9/client/v4",
    "http://localhost:9/client/v4",
    "http://[::1]:9/client/v4",
  ])("accepts %s", (url) => {
    expect(validateBaseUrl(url)).toBe(url);
  });
  test("refuses plain http to another host, so a token never crosses the network in clear", () => {
    expect(() => validateBaseUrl("http://api.example.com/client/v4")).toThrow(/must use https \(plain http is allowed only on loopback/);
  });
  // Regression: a string prefix test let DNS names that start like loopback get the token over plain http.
  test.each([
    "http://127.0.0.1.evil.com/client/v4",
    "http://127.evil.com/client/v4",
    "http://127.0.0.1.nip.io/client/v4",
    "http://localhost.evil.com/client/v4",
    "http://localhost./client/v4",
    "http://[::2]/client/v4",
    "http://[::ffff:127.0.0.1]/client/v4",
    "http://10.0.0.1/client/v4",
  ])("refuses plain http to the lookalike %s", (url) => {
    expect(() => validateBaseUrl(url)).toThrow(
      /must use https \(plain http is allowed only on loopback: 127\.0\.0\.0\/8, \[::1\] or localhost/,
    );
  });

  test.each(["http://127.1/client/v4", "http://127.255.0.9:8787/client/v4", "http://0x7f.0.0.1/client/v4"])(
    "accepts the loopback literal %s in any notation",
    (url) => {
      expect(new URL(validateBaseUrl(url)).hostname).toMatch(/^127\./);
    },
  );

  test.each([
    "https://user:SECRETPW@api.cloudflare.com/client/v4",
    "https://SECRETTOKEN@api.cloudflare.com/client/v4",
    "http://u:SECRET@127.0.0.1:9/client/v4",
  ])("refuses a user name or password in %s, without repeating them (regression: userinfo was kept)", (url) => {
    const error = (() => {
      try {
        validateBaseUrl(url);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected a ConfigurationError");
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/contains a user name or password; remove them from CLOUDFLARE_BASE_URL or cloudflare:baseUrl/);
    expect(error.message).not.toMatch(/SECRET|user:/);
  });

  test("describes a value that is not a URL without echoing it (regression: a token pasted there was printed)", () => {
    const pasted = "v1.0-0123456789abcdef-SECRETSECRETSECRET";
    expect(() => validateBaseUrl(pasted)).toThrow(
      new ConfigurationError(
        "the Cloudflare base URL is not a URL (40 characters, no scheme such as https://); set CLOUDFLARE_BASE_URL or cloudflare:baseUrl to e.g. https://api.cloudflare.com/client/v4",
      ),
    );
  });

  test("refuses a password without a user name, without repeating it", () => {
    expect(() => validateBaseUrl("https://:SECRET@api.cloudflare.com/client/v4")).toThrow(
      /^the Cloudflare base URL for host api\.cloudflare\.com contains a user name or password;/,
    );
  });

  test("drops every trailing slash", () => {
    expect(validateBaseUrl("https://api.cloudflare.com/client/v4///")).toBe("https://api.cloudflare.com/client/v4");
  });

  test.each([
    { value: "x", want: "1 character, no scheme such as https://" },
    { value: "HTTPS://api cloudflare.com", want: "26 characters, not a valid URL after its scheme" },
    { value: "my token: https://a b", want: "21 characters, no scheme such as https://" },
  ])("describes $value by its length and what is wrong", ({ value, want }) => {
    expect(() => validateBaseUrl(value)).toThrow(`the Cloudflare base URL is not a URL (${want});`);
  });

  test.each([
    { host: "127.0.0.1", want: true },
    { host: "127.999.0.1", want: false },
    { host: "localhost", want: true },
    { host: "[::1]", want: true },
    { host: "127.0.10.254", want: true },
    { host: "128.0.0.1", want: false },
    { host: "10.127.0.1", want: false },
    { host: "127.0.0.1.example.com", want: false },
  ])("isLoopbackHost($host) is $want: the dotted form must also be an IPv4 address", ({ host, want }) => {
    expect(isLoopbackHost(host)).toBe(want);
  });

  test.each(["ftp://127.0.0.1/client/v4", "ws://localhost:8787/client/v4"])("refuses %s: on loopback too, only http and https", (value) => {
    expect(() => validateBaseUrl(value)).toThrow(/must use https \(plain http is allowed only on loopback/);
  });

  test("refuses something that is not a URL", () => {
    expect(() => validateBaseUrl("api.cloudflare.com")).toThrow(
      /is not a URL \(18 characters, no scheme such as https:\/\/\); set CLOUDFLARE_BASE_URL or cloudflare:baseUrl/,
    );
  });
});
