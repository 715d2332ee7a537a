import tseslint from "typescript-eslint";

/**
 * The mechanical rules of provider/README.md, "Staying serializable": code under provider/ travels in
 * state as text written by Pulumi's closure serializer, and these constructs do not survive the trip.
 * Each one is proved to fire by test/lint/provider-rules.test.ts.
 */
const HEAVY_MODULES = "got|@peculiar\\/x509|reflect-metadata";
const COLLECTIONS = "Map|Set|WeakMap|WeakSet";
const SERIALIZABLE = "provider/README.md";
const serializableProvider = [
  {
    selector: "PrivateIdentifier",
    message: `#private fields and methods break once the provider is serialized: use a plain (or TypeScript \`private\`) member; see ${SERIALIZABLE}.`,
  },
  {
    selector: `:matches(Program > VariableDeclaration, Program > ExportNamedDeclaration > VariableDeclaration) NewExpression[callee.name=/^(${COLLECTIONS})$/]:not(:function NewExpression)`,
    message: `The closure serializer cannot carry a module-level Map or Set into the provider process: use a plain object or array; see ${SERIALIZABLE}.`,
  },
  {
    selector: "PropertyDefinition[value!=null]",
    message: `The closure serializer rebuilds a class from its constructor's text, so a field initializer is lost in a provider inlined by value: assign the field in the constructor; see ${SERIALIZABLE}.`,
  },
  {
    selector: `ImportDeclaration[importKind="value"][source.value=/^(${HEAVY_MODULES})$/]`,
    message: `Load this module inside the method that needs it (\`await import(...)\`), so the provider requires it when it runs (x509 needs reflect-metadata first, got is ESM-only); \`import type\` is fine; see ${SERIALIZABLE}.`,
  },
];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".cache/", ".stryker-tmp/", "reports/", "**/*.js", "**/*.cjs", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: "error",
      "no-console": "off",
    },
  },
  {
    files: ["provider/**/*.ts"],
    rules: { "no-restricted-syntax": ["error", ...serializableProvider] },
  },
);
