import type { DurationEstimate, WaitProgress } from "../wait";

/** A job's status line while `up` waits: "PlanRun: plan job 81 running (12s); step 2: ...; expected ~31s (...)". */
export function progressLine(typeName: string, jobNoun: string, progress: WaitProgress): string {
  const nodes = Object.entries(progress.nodeStates)
    .map(([state, count]) => `${count} ${state}`)
    .join(", ");
  const seconds = Math.round(progress.elapsedMs / 1000);
  const step = progress.step;
  // A plan's progress is its running step's: "step 2: command job 14 on 40 nodes: 31 finished, 1 failed".
  const stepLine =
    step &&
    `step ${step.number}: ${step.action} job ${step.jobName}` +
      (step.nodeCount !== undefined ? ` on ${step.nodeCount} node${step.nodeCount === 1 ? "" : "s"}` : "") +
      (nodes ? `: ${nodes}` : "") +
      (step.state && step.state !== "running" ? ` (${step.state})` : "");
  return [
    `${typeName}: ${jobNoun} ${progress.jobName} ${progress.state} (${seconds}s)`,
    stepLine || (nodes && `nodes: ${nodes}`),
    progress.lastMessage && `last event: ${progress.lastMessage}`,
    progress.estimate && expectedLine(progress.estimate),
  ]
    .filter(Boolean)
    .join("; ");
}

/** What the wait expects and why: "expected ~31s (3 earlier runs, same nodes, other job)". */
export function expectedLine(estimate: DurationEstimate): string {
  const seconds = Math.max(1, Math.round(estimate.durationMs / 1000));
  const basis =
    estimate.source === "history"
      ? `${estimate.samples ?? 1} earlier run${estimate.samples === 1 ? "" : "s"}, ${estimate.basis ?? "same job"}`
      : estimate.source === "progress"
        ? "from the nodes' progress"
        : "given";
  return `expected ~${seconds}s (${basis})`;
}
