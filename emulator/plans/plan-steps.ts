import { targetNames } from "../../puppet-type/puppet-type";
import type { EmulatorState } from "../http/handler-types";
import type { PlannedRun, PlanStepRecord } from "../jobs/job-record";
import { plannedRun } from "../jobs/planned-run";
import { fillTemplate } from "../world/fill-template";
import { matchesAny } from "../world/glob";
import type { WorldPlan, WorldPlanStep } from "../world/world-schema";
import { actionNoun } from "./step-results";

/** PE runs commands and scripts in plans through the bolt_shim module's tasks. */
const shimTask = { run_command: "bolt_shim::command", run_script: "bolt_shim::script" } as const;

/**
 * What a command prints on a node when the world's step says nothing: a few well-known ones (PE runs tasks, and
 * bolt_shim::command with them, as root on *nix agents), else nothing.
 */
export function commandOutput(command: string): string {
  const line = command.trim();
  if (/^(whoami|id -un|id -u -n)$/.test(line)) return "root\n";
  const echo = /^echo\s+(.*)$/.exec(line);
  if (echo) return `${echo[1].replace(/^(["'])(.*)\1$/, "$2")}\n`;
  return "";
}

function asCount(value: unknown, fallback: number): number {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** The targets of a step: its TargetSpec filled in from the plan's parameters, then sliced. */
function stepTargets(step: WorldPlanStep, values: Record<string, unknown>): string[] {
  const all = [...new Set(targetNames(fillTemplate(step.targets, values)))];
  const from = asCount(fillTemplate(step.from ?? 0, values), 0);
  const count = asCount(fillTemplate(step.count ?? all.length, values), all.length);
  return all.slice(from, from + count);
}

/** Plans a plan's steps at plan_run time: targets, each node's run and outcome, the value of success. */
export function planSteps(
  state: EmulatorState,
  plan: WorldPlan,
  values: Record<string, unknown>,
  environment: string,
): PlanStepRecord[] {
  return plan.steps.map((step): PlanStepRecord => {
    const object = String(fillTemplate(step.object, values));
    const params = fillTemplate(step.params, values) as Record<string, unknown>;
    const task =
      step.action === "run_task"
        ? state.world.tasks.find(
            (t) => t.name === object && (t.environments.length === 0 || t.environments.includes(environment)),
          )
        : undefined;
    const failOn = [...step.failOn, ...(task?.failOn ?? [])];
    const runs = stepTargets(step, values).map((name): PlannedRun => {
      const run = plannedRun(state, name, environment, step.seconds ?? task?.seconds, actionNoun(step));
      if (run.outcome === "errored") return run;
      if (step.action === "run_task" && !task)
        return { ...run, outcome: "errored", message: `Could not find task '${object}' in ${environment}` };
      return matchesAny(failOn, name)
        ? { ...run, outcome: "failed", message: `The ${actionNoun(step)} failed on ${name} with exit code 1` }
        : { ...run, outcome: "unchanged", message: undefined };
    });
    return {
      action: step.action,
      object,
      task: step.action === "run_task" ? object : shimTask[step.action],
      params:
        step.action === "run_task"
          ? params
          : { [step.action === "run_command" ? "command" : "script"]: object },
      runs,
      value:
        step.action === "run_task"
          ? fillTemplate(task?.result ?? null, params)
          : commandValue(step.output ?? (step.action === "run_command" ? commandOutput(object) : "")),
      ...(step.message !== undefined ? { message: String(fillTemplate(step.message, values)) } : {}),
      catchErrors: step.catchErrors,
      onlyIfOk: step.onlyIfOk,
      skipKind: step.skipKind,
    };
  });
}

/** A successful command's or script's Bolt value. */
const commandValue = (stdout: string) => ({ stdout, stderr: "", merged_output: stdout, exit_code: 0 });
