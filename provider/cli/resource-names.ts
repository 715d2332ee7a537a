/** A Pulumi resource name and the TypeScript variable that holds the resource. */
export interface DeclarationName {
  resourceName: string;
  variableName: string;
}

/** Words a variable cannot or should not be named (strict mode, TypeScript's own, Node's globals). */
const RESERVED: readonly string[] = (
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
  "instanceof new null return super switch this throw true try typeof var void while with implements interface let package private " +
  "protected public static yield await any boolean number string symbol type of as async declare module namespace require arguments eval fs path pulumi process console exports"
).split(" ");

/**
 * Names for resources adopting certificates, derived from their common names: lowercase, every run of
 * other characters turned into `-`, `certificate-<first 8 of id>` when nothing is left, and `-2`, `-3`…
 * for duplicates. Variable names are the camelCase of the resource names, also unique.
 *
 * @example
 * declarationNames([{ id: "9f2c…", commonName: "API.example.com" }]) // [{ resourceName: "api-example-com", variableName: "apiExampleCom" }]
 */
export function declarationNames(certificates: ReadonlyArray<{ id: string; commonName?: string | undefined }>): DeclarationName[] {
  const resourceNames = new Set<string>();
  const variableNames = new Set<string>();
  return certificates.map(({ id, commonName }) => {
    const base = slug(commonName ?? "") || `certificate-${id.slice(0, 8)}`;
    for (let suffix = 1; ; suffix++) {
      const resourceName = suffix === 1 ? base : `${base}-${suffix}`;
      const variableName = variableFor(resourceName);
      if (resourceNames.has(resourceName) || variableNames.has(variableName)) continue;
      resourceNames.add(resourceName);
      variableNames.add(variableName);
      return { resourceName, variableName };
    }
  });
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

function variableFor(resourceName: string): string {
  const camel = resourceName.replace(/-([a-z0-9])/g, (_, next: string) => next.toUpperCase());
  return /^[0-9]/.test(camel) || RESERVED.includes(camel) ? `certificate${camel.charAt(0).toUpperCase()}${camel.slice(1)}` : camel;
}
