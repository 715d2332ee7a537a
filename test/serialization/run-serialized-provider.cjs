// Loads a serialized provider exactly as the dynamic-provider host does (require-from-string,
// modules resolved from the working directory) and calls `check` and `diff` on it.
// Reads {text, news} as JSON on stdin; prints {check, diff} as JSON.
const requireFromString = require(require.resolve("require-from-string", { paths: [process.cwd(), require.resolve("@pulumi/pulumi")] }));

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const { text, news } = JSON.parse(input);
  const provider = requireFromString(text).handler();
  const check = await provider.check({}, news);
  const diff = await provider.diff("id", { ...check.inputs, status: "active" }, check.inputs);
  process.stdout.write(JSON.stringify({ check, diff }));
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
