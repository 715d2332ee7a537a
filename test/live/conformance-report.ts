import { EMULATOR_BEHAVIOURS, type BehaviourBasis } from "../../emulator/behaviours";
import type { SweepAction } from "./certificate-sweep";
import type { Observation } from "./observations";
import type { StepResult } from "./stack-lifecycle";

/** How an observed answer compares with the emulator's. */
export type Verdict = "same" | "differs" | "not observed";

export interface ConformanceRow {
  readonly id: string;
  readonly basis: BehaviourBasis;
  readonly probe: string;
  readonly emulator: string;
  /** `null` when the suite could not observe it (JSON has no undefined). */
  readonly observed: string | null;
  readonly verdict: Verdict;
  readonly detail: string;
}

/** The report, as written to `live-conformance.json`. */
export interface ConformanceReport {
  readonly suite: "pulumi-cloudflare-mtls live acceptance";
  readonly packageVersion: string;
  readonly startedAt: string;
  readonly seconds: number;
  /** The API's host (or "Cloudflare"); never a credential. */
  readonly api: string;
  readonly zoneId: string;
  readonly commonNamePrefix: string;
  readonly summary: {
    readonly same: number;
    readonly differs: number;
    readonly notObserved: number;
    readonly stepsPassed: number;
    readonly stepsFailed: number;
    readonly stepsNotRun: number;
  };
  readonly rows: readonly ConformanceRow[];
  readonly steps: readonly StepResult[];
  readonly cleanup: readonly SweepAction[];
  /** Anything that went wrong outside the steps (a probe that could not run, a cleanup error). */
  readonly problems: readonly string[];
}

const MAX_DETAIL = 1500;

/** Sets every emulator behaviour beside what was observed; a behaviour nobody observed is "not observed". */
export function compareWithEmulator(observations: readonly Observation[]): ConformanceRow[] {
  return EMULATOR_BEHAVIOURS.map((behaviour) => {
    const observation = observations.find((candidate) => candidate.id === behaviour.id);
    const observed = observation?.observed;
    const verdict: Verdict = observed === undefined ? "not observed" : observed === behaviour.emulator ? "same" : "differs";
    return {
      id: behaviour.id,
      basis: behaviour.basis,
      probe: behaviour.probe,
      emulator: behaviour.emulator,
      observed: observed ?? null,
      verdict,
      detail: clip(observation?.detail ?? "the run stopped before this probe"),
    };
  });
}

export function buildReport(fields: Omit<ConformanceReport, "suite" | "summary">): ConformanceReport {
  const count = <T>(items: readonly T[], predicate: (item: T) => boolean) => items.filter(predicate).length;
  return {
    suite: "pulumi-cloudflare-mtls live acceptance",
    ...fields,
    steps: fields.steps.map((step) => ({ ...step, detail: clip(step.detail) })),
    summary: {
      same: count(fields.rows, (row) => row.verdict === "same"),
      differs: count(fields.rows, (row) => row.verdict === "differs"),
      notObserved: count(fields.rows, (row) => row.verdict === "not observed"),
      stepsPassed: count(fields.steps, (step) => step.result === "passed"),
      stepsFailed: count(fields.steps, (step) => step.result === "failed"),
      stepsNotRun: count(fields.steps, (step) => step.result === "not run"),
    },
  };
}

export function renderMarkdown(report: ConformanceReport): string {
  const { summary } = report;
  const lines = [
    "# pulumi-cloudflare-mtls: live conformance report",
    "",
    `API: ${report.api} · zone \`${report.zoneId}\` · package ${report.packageVersion} · started ${report.startedAt} · ${report.seconds} s`,
    `Certificates issued by this run have common names starting with \`${report.commonNamePrefix}\`.`,
    "",
    `**Behaviours:** ${summary.same} same, ${summary.differs} differ, ${summary.notObserved} not observed. ` +
      `**Lifecycle through the Pulumi engine:** ${summary.stepsPassed} passed, ${summary.stepsFailed} failed, ${summary.stepsNotRun} not run.`,
    "",
    "Each row sets what the emulator (`emulator/`) does beside what this API answered. `basis` says why the emulator does it:",
    "`documented` by Cloudflare, `observed` by public clients, `chosen` by the emulator where Cloudflare says nothing.",
    "A row that differs is not a failure: it tells the emulator (and, where the provider branches on it, the provider) what to correct.",
    "",
    "## Behaviours",
    "",
    "| behaviour | basis | probe | emulator | this API | verdict | exact answer |",
    "|---|---|---|---|---|---|---|",
    ...report.rows.map(
      (row) =>
        `| \`${row.id}\` | ${row.basis} | ${cell(row.probe)} | ${cell(row.emulator)} | ${cell(row.observed ?? "—")} | ${row.verdict === "same" ? "same" : `**${row.verdict}**`} | ${cell(row.detail)} |`,
    ),
    "",
    "## Lifecycle through the real Pulumi engine",
    "",
    "| step | result | seconds | detail |",
    "|---|---|---|---|",
    ...report.steps.map(
      (step) =>
        `| ${cell(step.name)} | ${step.result === "passed" ? "passed" : `**${step.result}**`} | ${step.seconds} | ${cell(step.detail)} |`,
    ),
    "",
    "## Cleanup",
    "",
    ...(report.cleanup.length === 0
      ? ["Nothing was left to revoke."]
      : report.cleanup.map(
          (action) => `- ${action.action} \`${action.id}\` ${cell(action.commonName)} (was ${action.status}; ${cell(action.detail)})`,
        )),
    ...(report.problems.length === 0 ? [] : ["", "## Problems", "", ...report.problems.map((problem) => `- ${cell(problem)}`)]),
    "",
  ];
  return lines.join("\n");
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

function clip(text: string): string {
  return text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL)}… (${text.length - MAX_DETAIL} more characters)`;
}
