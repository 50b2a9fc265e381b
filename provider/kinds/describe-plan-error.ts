import type { PlanJobOutputs } from "./job-outputs";

/** Targets listed by name in a failure message; the rest are counted. */
const MAX_TARGETS = 10;
const MAX_MESSAGE = 300;

interface TargetFailure {
  target: string;
  kind?: string;
  msg?: string;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** The failed Results of a Bolt ResultSet (`[{target, status, value: {_error}}]`), as a plan error carries it. */
function failedTargets(resultSet: unknown): TargetFailure[] {
  if (!Array.isArray(resultSet)) return [];
  return resultSet.flatMap((item): TargetFailure[] => {
    const result = record(item);
    const target = text(result?.target);
    const error = record(record(result?.value)?._error);
    if (!target || (result?.status !== "failure" && !error)) return [];
    return [{ target, kind: text(error?.kind), msg: text(error?.msg) }];
  });
}

function listTargets(failures: TargetFailure[], withMessages: boolean): string {
  const shown = failures.slice(0, MAX_TARGETS).map((f) => {
    const why = f.msg ?? f.kind;
    return withMessages && why
      ? `${f.target} (${why.length > MAX_MESSAGE ? `${why.slice(0, MAX_MESSAGE)}...` : why})`
      : f.target;
  });
  const more = failures.length - shown.length;
  return shown.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

/**
 * One line about a failed plan: its error's kind and message and, for a Bolt run failure, the failed step
 * (`run_command 'whoami'`), the targets it failed on with their messages, the targets skipped, and the task
 * jobs the plan started, so the user can go straight to the failing nodes.
 */
export function describePlanError(outputs: Pick<PlanJobOutputs, "error" | "taskJobIds">): string {
  const { error, taskJobIds } = outputs;
  const jobs = taskJobIds.length > 0 ? `; task jobs: ${taskJobIds.join(", ")}` : "";
  if (!error) return `the plan reported no error${jobs}`;
  const head = `plan error ${error.kind ?? ""}: ${error.msg ?? ""}`.replace(/\s+:/, ":").trim();
  const details = record(error.details);
  const failures = failedTargets(details?.result_set);
  const skipped = failures.filter((f) => /skipped/.test(f.kind ?? ""));
  const failed = failures.filter((f) => !skipped.includes(f));
  const action = text(details?.action);
  const object = text(details?.object);
  const parts = [head];
  if (action) parts.push(`failed step: ${action}${object ? ` '${object}'` : ""}`);
  if (failed.length > 0) parts.push(`failed on ${failed.length}: ${listTargets(failed, true)}`);
  if (skipped.length > 0) parts.push(`skipped ${skipped.length}: ${listTargets(skipped, false)}`);
  return parts.join("; ") + jobs;
}
