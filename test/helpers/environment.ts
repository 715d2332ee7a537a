import type * as pulumi from "@pulumi/pulumi";

/**
 * Runs `body` with these environment variables set (or, for `undefined`, removed) and puts every one
 * of them back as it was afterwards, whether `body` succeeds or throws.
 */
export async function withEnvironment<T>(variables: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const assign = (values: Record<string, string | undefined>): void => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  assign(variables);
  try {
    return await body();
  } finally {
    assign(saved);
  }
}

/** What a provider's `configure` receives for a stack whose config holds `values`. */
export function stackConfig(values: Record<string, string>): pulumi.dynamic.ConfigureRequest {
  return {
    config: { get: (key: string) => values[key], require: (key: string) => values[key] ?? "" },
  } as unknown as pulumi.dynamic.ConfigureRequest;
}
