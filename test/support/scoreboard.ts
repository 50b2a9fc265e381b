/**
 * The reliability scoreboard: one row per scenario, printed as a plain-text table once, at the very end of the
 * mocha run (`test/reliability/zz-scoreboard.test.ts` registers the root `after` hook that calls
 * {@link printScoreboard}).
 *
 * Call {@link record} from any test, once per scenario, after its assertions have gathered the figures:
 *
 * ```ts
 * import { record } from "./scoreboard";
 * record({
 *   scenario: "crash: killed while the job runs",
 *   outcome: "recovered: next up took job 1",
 *   jobsStarted: 1, // jobs the orchestrator holds (listJobs/listPlanJobs), not POSTs in the request log
 *   duplicates: 0, // jobsStarted minus the jobs that should have run; must be 0
 *   secretsFound: 0, // occurrences of the token(s) used in the exported state and the commands' output
 * });
 * ```
 *
 * Recording does not assert anything: the test itself asserts `duplicates === 0` and `secretsFound === 0`.
 */
export interface ScoreboardRow {
  /** Short name of the scenario, e.g. `faults: 503 burst on polls`. */
  scenario: string;
  /** What happened, e.g. `success`, `clear error naming job 3`, `preview refused (property nodes)`. */
  outcome: string;
  /** Jobs and plan jobs the orchestrator holds after the scenario (counted through its API). */
  jobsStarted: number;
  /** Jobs started beyond those that should have run. Must be 0. */
  duplicates: number;
  /** Times a token used by the scenario appeared in exported state or in the output of its commands. */
  secretsFound: number;
  /** A hostile server's case: the peak RSS of the process that read the answer, in MB. */
  peakRssMb?: number;
  /** A hostile server's case: how long the operation took to fail, in seconds. */
  timeToFailS?: number;
}

const rows: ScoreboardRow[] = [];

/** Adds one scenario's row to the table printed at the end of the run. */
export function record(row: ScoreboardRow): void {
  rows.push({ ...row });
}

/** The rows recorded so far (a copy). */
export function scoreboardRows(): ScoreboardRow[] {
  return rows.map((r) => ({ ...r }));
}

/** The table as plain text with aligned columns, or "" when nothing was recorded. */
export function formatScoreboard(list: readonly ScoreboardRow[] = rows): string {
  if (list.length === 0) return "";
  const header = [
    "scenario",
    "outcome",
    "jobs started",
    "duplicates",
    "secrets found",
    "peak RSS MB",
    "fails in s",
  ];
  const figure = (n: number | undefined) => (n === undefined ? "" : String(n));
  const body = list.map((r) => [
    r.scenario,
    r.outcome,
    String(r.jobsStarted),
    String(r.duplicates),
    String(r.secretsFound),
    figure(r.peakRssMb),
    figure(r.timeToFailS),
  ]);
  const total = [
    `total (${list.length} scenarios)`,
    "",
    String(list.reduce((n, r) => n + r.jobsStarted, 0)),
    String(list.reduce((n, r) => n + r.duplicates, 0)),
    String(list.reduce((n, r) => n + r.secretsFound, 0)),
    "",
    "",
  ];
  const all = [header, ...body, total];
  const widths = header.map((_, i) => Math.max(...all.map((cells) => cells[i].length)));
  // Text columns left-aligned, numbers right-aligned.
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...body.map(line), rule, line(total)].join("\n");
}

let printed = false;

/** Prints the table once (later calls do nothing), when any rows exist. */
export function printScoreboard(): void {
  if (printed || rows.length === 0) return;
  printed = true;
  console.log(`\nReliability scoreboard\n\n${formatScoreboard()}\n`);
}
