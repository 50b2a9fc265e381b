import type { JobNode, PlanStepRecord } from "../jobs/job-record";

/** Bolt's name of a step's action in Results and in the plan's `*_start` events. */
export const actionNoun = (step: Pick<PlanStepRecord, "action">) =>
  step.action === "run_task" ? "task" : step.action === "run_command" ? "command" : "script";

/** A Bolt Result as a plan returns it in a ResultSet (`Result#to_json`). */
export interface BoltResult {
  target: string;
  action: string;
  object: string;
  status: "success" | "failure";
  value: unknown;
}

const boltError = (kind: string, msg: string, details: Record<string, unknown> = {}) => ({
  _error: { kind, msg, details },
});

/** The Results of a step from its nodes' outcomes; `nodes` undefined: the step was skipped (`onlyIfOk`). */
export function stepResults(step: PlanStepRecord, nodes: JobNode[] | undefined): BoltResult[] {
  const action = actionNoun(step);
  const result = (target: string, value: unknown, ok: boolean): BoltResult => ({
    target,
    action,
    object: step.object,
    status: ok ? "success" : "failure",
    value,
  });
  if (!nodes)
    return step.runs.map((r) =>
      result(
        r.name,
        boltError(step.skipKind, `Skipped ${r.name} because of a previous failure`, { target: r.name }),
        false,
      ),
    );
  return nodes.map((n) => {
    const msg = n.message ?? `The ${action} failed on ${n.name}`;
    if (n.outcome === "unchanged" || n.outcome === "changed") return result(n.name, step.value, true);
    if (n.outcome === "errored")
      return result(
        n.name,
        boltError("puppetlabs.orchestrator/execution-failure", msg, { node: n.name }),
        false,
      );
    if (n.outcome === "skipped")
      return result(n.name, boltError("puppetlabs.tasks/skipped-node", msg, { node: n.name }), false);
    if (step.action === "run_task")
      return result(n.name, boltError("puppetlabs.tasks/task-error", msg, { exitcode: 1 }), false);
    return result(
      n.name,
      {
        stdout: "",
        stderr: msg,
        merged_output: msg,
        exit_code: 1,
        ...boltError(`puppetlabs.tasks/${action}-error`, msg, { exit_code: 1 }),
      },
      false,
    );
  });
}

/** True when every node of a step ended well. */
export const stepOk = (nodes: JobNode[]) =>
  nodes.every((n) => n.outcome === "unchanged" || n.outcome === "changed");
