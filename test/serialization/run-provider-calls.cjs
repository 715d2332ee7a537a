// Loads a `__provider` text exactly as the dynamic-provider host does (require-from-string, modules
// resolved from the working directory) and calls its methods in order.
// Reads {text, calls: [{method, args}]} as JSON on stdin; an argument "$<n>.<path>" is that property
// of call n's result (e.g. "$1.outs"). Prints the results as a JSON array.
const requireFromString = require(require.resolve("require-from-string", { paths: [process.cwd(), require.resolve("@pulumi/pulumi")] }));

function resolve(arg, results) {
  if (typeof arg !== "string" || !arg.startsWith("$")) return arg;
  const [index, ...path] = arg.slice(1).split(".");
  return path.reduce((value, key) => value[key], results[Number(index)]);
}

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const { text, calls } = JSON.parse(input);
  const provider = requireFromString(text).handler();
  const results = [];
  for (const { method, args } of calls) results.push((await provider[method](...args.map((arg) => resolve(arg, results)))) ?? null);
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
