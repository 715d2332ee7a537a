// Loads a serialized provider exactly as the dynamic-provider host does (require-from-string,
// modules resolved from the working directory) and drives it.
// Reads {text, news, lifecycle} as JSON on stdin. Always runs check and diff; with `lifecycle`
// also create, read and delete (credentials from the environment). Prints the results as JSON.
const requireFromString = require(require.resolve("require-from-string", { paths: [process.cwd(), require.resolve("@pulumi/pulumi")] }));

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const { text, news, lifecycle } = JSON.parse(input);
  const provider = requireFromString(text).handler();
  const check = await provider.check({}, news);
  const diff = await provider.diff("id", { ...check.inputs, status: "active" }, check.inputs);
  const result = { check, diff };
  if (lifecycle) {
    const created = await provider.create(check.inputs);
    const read = await provider.read(created.id, created.outs);
    await provider.delete(created.id, read.props);
    result.lifecycle = { id: created.id, createdStatus: created.outs.status, readStatus: read.props.status };
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
