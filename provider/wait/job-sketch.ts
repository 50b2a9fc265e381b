import type { Job } from "../pe/schemas";
import { scopeNodes } from "./similar-job-durations";

/** What a job's record will say of it, known from the command that started it. */
export type JobSketch = Pick<Job, "type" | "environment" | "options" | "node_count">;

/** A job's state when created, before the first record read says otherwise. */
export const NEW_JOB_STATE = "new";

/**
 * The record a deploy or task command will make, from its body: what the wait's predictions match on (type,
 * environment, scope, task, concurrency, node count). Only for a `nodes` scope, whose node count is known
 * (PE counts each certname once); a query or a node group is the server's to resolve, so its record is read.
 */
export function jobSketch(
  type: "deploy" | "task",
  body: { environment?: string; scope?: unknown; userdata?: unknown },
): JobSketch | undefined {
  const nodes = scopeNodes(body.scope);
  if (!nodes) return undefined;
  const { userdata: _userdata, ...options } = body;
  // a task run without an environment runs in production (PE's default), and its record says so
  const environment = body.environment ?? "production";
  return {
    type,
    environment: { name: environment },
    options: { ...options, environment },
    node_count: nodes.length,
  };
}
