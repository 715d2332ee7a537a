// Serializes a dynamic provider the way `new dynamic.Resource` does, in a plain Node
// process whose working directory plays the Pulumi project directory.
// Usage: node serialize-provider.cjs <module to require> <exported provider class>
//    or: node serialize-provider.cjs <module to require>   (the module's export is the provider object itself)
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");

async function main() {
  const [moduleName, className] = process.argv.slice(2);
  // An absolute path, because this script sits inside the package and a bare name would resolve
  // to the package itself (self-reference) rather than to the copy under the project's node_modules.
  const location = moduleName.startsWith(".") ? path.resolve(moduleName) : path.join(process.cwd(), "node_modules", moduleName);
  const exported = require(location);
  const provider = className === undefined ? exported : new exported[className]();
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  process.stdout.write(JSON.stringify({ text: serialized.text, containsSecrets: serialized.containsSecrets }));
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
