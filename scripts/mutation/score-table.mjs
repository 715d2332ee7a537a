// Prints the mutation score per file, as a Markdown table, from one or more StrykerJS JSON reports
// (default: reports/mutation/mutation.json). With --survivors, also lists every surviving and
// uncovered mutant. Scores as Stryker counts them: detected = killed + timeout; the total score
// divides by detected + survived + no coverage; "covered" leaves out the uncovered; mutants that do
// not compile or error at run time are not counted, and ignored ones (static mutants under
// --ignoreStatic) are shown apart. A file in several reports is taken from the newest report (by
// modification time), so `reports/mutation-batches/*/mutation.json` gives the latest score per file.
// Usage: node scripts/mutation/score-table.mjs [--survivors] [report.json ...]
import { readFileSync, statSync } from "node:fs";

const args = process.argv.slice(2);
const listSurvivors = args.includes("--survivors");
const reports = args.filter((arg) => arg !== "--survivors");
if (reports.length === 0) reports.push("reports/mutation/mutation.json");

const files = {};
const oldestFirst = [...reports].sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
for (const report of oldestFirst) Object.assign(files, JSON.parse(readFileSync(report, "utf8")).files);

const columns = ["Killed", "Timeout", "Survived", "NoCoverage", "CompileError", "RuntimeError", "Ignored"];
const percent = (part, whole) => (whole === 0 ? "n/a" : `${((100 * part) / whole).toFixed(2)} %`);
const scores = (counts) => {
  const detected = counts.Killed + counts.Timeout;
  return {
    total: percent(detected, detected + counts.Survived + counts.NoCoverage),
    covered: percent(detected, detected + counts.Survived),
  };
};
const row = (name, counts) => {
  const { total, covered } = scores(counts);
  return `| ${name} | ${total} | ${covered} | ${columns.map((column) => counts[column]).join(" | ")} |`;
};

const all = Object.fromEntries(columns.map((column) => [column, 0]));
const lines = [];
const survivors = [];
for (const name of Object.keys(files).sort()) {
  const counts = Object.fromEntries(columns.map((column) => [column, 0]));
  for (const mutant of files[name].mutants) {
    counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
    all[mutant.status] = (all[mutant.status] ?? 0) + 1;
    if (mutant.status === "Survived" || mutant.status === "NoCoverage") {
      const { line, column } = mutant.location.start;
      survivors.push(`${name}:${line}:${column} ${mutant.status} ${mutant.mutatorName}: ${JSON.stringify(mutant.replacement ?? "")}`);
    }
  }
  lines.push(row(name.replace(/^provider\//, ""), counts));
}
console.log(`| file | score | covered | killed | timeout | survived | no coverage | did not compile | runtime error | ignored |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|`);
console.log(row("**all**", all));
for (const line of lines) console.log(line);
if (listSurvivors) console.log(`\n${survivors.join("\n")}`);
