#!/usr/bin/env bash
# Runs StrykerJS again over some files, incrementally from an earlier run's results, into a new report
# directory: scripts/mutation/rerun.sh <new dir> <earlier dir> <file,file,...> [stryker options].
# Only mutants whose code or tests changed are tested again. The report Stryker writes also lists
# every other file of the earlier incremental results, unmutated and with their old verdicts; as
# score-table.mjs takes each file from the newest report, those copies would hide later figures, so
# they are removed from the report here.
# Example: scripts/mutation/rerun.sh 6-rerun 6-requests provider/client-bundle.ts --ignoreStatic
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ $# -lt 3 ]; then
  echo "usage: $0 <new dir> <earlier dir> <file,file,...> [stryker options]" >&2
  exit 2
fi
target="reports/mutation-batches/$1"
earlier="reports/mutation-batches/$2"
files="$3"
shift 3
if [[ "$files" == *:* ]]; then
  # A line range would give a partial figure for the file, which score-table.mjs would take as its score.
  echo "give whole files, not line ranges: $files" >&2
  exit 2
fi

mkdir -p "$target"
cp "$earlier/stryker-incremental.json" "$target/stryker-incremental.json"
STRYKER_REPORT_DIRECTORY="$target" npx stryker run --mutate "$files" "$@"

node - "$target/mutation.json" "$files" <<'EOF'
const { readFileSync, writeFileSync } = require("node:fs");
const [report, list] = process.argv.slice(2);
const mutated = new Set(list.split(","));
const json = JSON.parse(readFileSync(report, "utf8"));
const dropped = Object.keys(json.files).filter((name) => !mutated.has(name));
for (const name of dropped) delete json.files[name];
writeFileSync(report, JSON.stringify(json));
console.log(`${report}: kept ${Object.keys(json.files).join(", ")}; removed ${dropped.length} carried-over file(s)`);
EOF
