import { ESLint } from "eslint";
import { join } from "node:path";

// The lint rules that keep provider/ serializable (eslint.config.mjs, provider/README.md) fire on
// what they forbid, only under provider/, and leave the allowed forms alone.

const repo = join(__dirname, "..", "..");
const eslint = new ESLint({ cwd: repo });

async function restrictedSyntax(source: string, filePath = "provider/x.ts"): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(repo, filePath) });
  return (result?.messages ?? []).filter((message) => message.ruleId === "no-restricted-syntax").map((message) => message.message);
}

const forbidden: Array<{ name: string; source: string; want: RegExp }> = [
  { name: "a #private field", source: "export class P { #token?: number; get() { return this.#token; } }\n", want: /#private fields/ },
  {
    name: "a #private method",
    source: "export class P { #load() { return 1; } run() { return this.#load(); } }\n",
    want: /#private fields/,
  },
  {
    name: "a module-level Map",
    source: "const cache = new Map<string, number>();\nexport const size = () => cache.size;\n",
    want: /module-level Map or Set/,
  },
  { name: "an exported module-level Set", source: "export const seen = new Set<string>();\n", want: /module-level Map or Set/ },
  {
    name: "a module-level WeakMap inside an object",
    source: "export const state = { byKey: new WeakMap<object, number>() };\n",
    want: /module-level Map or Set/,
  },
  {
    name: "a class field initializer (lost when inlined by value)",
    source: "export class Pages {\n  readonly byId = new Map<string, number>();\n}\n",
    want: /field initializer is lost/,
  },
  {
    name: "a static field initializer",
    source: "export class Limits {\n  static readonly max = 5;\n}\n",
    want: /field initializer is lost/,
  },
  {
    name: "a top-level import of got",
    source: 'import got from "got";\nexport const client = got;\n',
    want: /inside the method that needs it/,
  },
  {
    name: "a top-level import of @peculiar/x509",
    source: 'import { Name } from "@peculiar/x509";\nexport const name = Name;\n',
    want: /inside the method that needs it/,
  },
  { name: "a side-effect import of reflect-metadata", source: 'import "reflect-metadata";\n', want: /inside the method that needs it/ },
];

test.each(forbidden)("under provider/, $name is refused", async ({ source, want }) => {
  const messages = await restrictedSyntax(source);
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(message).toMatch(want);
});

const allowed: Record<string, string> = {
  "a Set made inside a function": "export function unique(values: string[]): string[] {\n  return [...new Set(values)];\n}\n",
  "a Map made by a module-level arrow function when it runs":
    "export const index = (keys: string[]) => new Map(keys.map((key) => [key, true]));\n",
  "a Map made per instance in the constructor":
    "export class Pages {\n  readonly byId: Map<string, number>;\n  constructor() {\n    this.byId = new Map();\n  }\n}\n",
  "a TypeScript private member":
    "export class P {\n  private token: number;\n  constructor() {\n    this.token = 1;\n  }\n  get(): number {\n    return this.token;\n  }\n}\n",
  "a constructor parameter property":
    "export class P {\n  constructor(private readonly token: number) {}\n  get(): number {\n    return this.token;\n  }\n}\n",
  "a type-only import of x509": 'import type { JsonNameParams } from "@peculiar/x509";\nexport type Name = JsonNameParams;\n',
  "a dynamic import of got inside a method":
    'export async function load(): Promise<unknown> {\n  return (await import("got")).default;\n}\n',
};

test.each(Object.entries(allowed))("under provider/, %s passes", async (_name, source) => {
  expect(await restrictedSyntax(source)).toEqual([]);
});

test("outside provider/ the same code passes: only the provider is serialized", async () => {
  expect(await restrictedSyntax('import got from "got";\nexport const seen = new Set<string>([String(got)]);\n', "scripts/x.ts")).toEqual(
    [],
  );
});
