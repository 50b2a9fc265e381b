import type { Job, PlanJob } from "../pe";
import type { Props } from "../resource/host";

/**
 * The inputs a program would declare for an existing job, read back from its record (`pulumi import`): what ran
 * (task or plan and its params), where (environment) and on what (scope). Everything else keeps its default.
 */
export function importedJobInputs(job: Job): Props {
  const options = (job.options ?? {}) as Record<string, unknown>;
  const scope = (options.scope ?? {}) as Record<string, unknown>;
  const environment = typeof options.environment === "string" ? options.environment : job.environment?.name;
  return compact({
    task: job.type === "task" || options.task !== undefined ? options.task : undefined,
    params: job.type === "task" || options.task !== undefined ? options.params : undefined,
    environment: environment ?? undefined,
    nodes: scope.nodes,
    query: typeof scope.query === "string" ? scope.query : undefined,
    nodeGroup: scope.node_group,
    application: scope.application,
    noop: options.noop === true ? true : undefined,
    description:
      job.description ?? (typeof options.description === "string" ? options.description : undefined),
  });
}

/** A plan job's inputs: its plan, params and environment. */
export function importedPlanInputs(job: PlanJob): Props {
  const options = job.options ?? {};
  return compact({
    planName: options.plan_name ?? undefined,
    params: options.parameters ?? undefined,
    environment: options.environment ?? undefined,
    description: options.description ?? undefined,
  });
}

/** Only what the record says: no empty values (PE records an unset description as ""). */
const compact = (props: Props): Props =>
  Object.fromEntries(
    Object.entries(props).filter(([, value]) => value !== undefined && value !== null && value !== ""),
  );
