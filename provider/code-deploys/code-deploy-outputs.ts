import type { CodeDeployOutcome, EnvironmentCodeDeploy } from "../pe";

/** What a CodeDeploy records: one entry per environment plus the commits deployed, for `triggers` downstream. */
export interface CodeDeployOutputs {
  /** `complete` (every environment deployed), `failed` (one or more failed), `deploying` (recorded mid-deploy). */
  state: "complete" | "failed" | "deploying";
  deploys: EnvironmentCodeDeploy[];
  /** The commit deployed per environment, e.g. `{ production: "482f8d3a…" }` (complete environments only). */
  deploySignatures: Record<string, string>;
  startedAt: string;
  finishedAt: string | null;
  durationSeconds: number | null;
}

/** The outputs of a deploy's outcome; `deploying` while any environment has no outcome yet. */
export function outputsOf(
  outcome: Pick<CodeDeployOutcome, "environments" | "startedAt"> & Partial<CodeDeployOutcome>,
): CodeDeployOutputs {
  const deploys = outcome.environments;
  const state: CodeDeployOutputs["state"] = deploys.some((d) => d.status === "failed")
    ? "failed"
    : deploys.every((d) => d.status === "complete")
      ? "complete"
      : "deploying";
  const outputs: CodeDeployOutputs = {
    state,
    deploys,
    deploySignatures: Object.fromEntries(
      deploys.flatMap((d) =>
        d.status === "complete" && d.deploySignature ? [[d.environment, d.deploySignature]] : [],
      ),
    ),
    startedAt: outcome.startedAt,
    finishedAt: state === "deploying" ? null : (outcome.finishedAt ?? null),
    durationSeconds: state === "deploying" ? null : (outcome.durationSeconds ?? null),
  };
  return outputs;
}

/**
 * The resource id: Code Manager's queue ids joined ("12" or "12,13"), which name the deploys in its logs. When
 * they are unknown (the answer was lost and the outcome read from /deploys/status) the start time stands in.
 */
export function idOf(outputs: CodeDeployOutputs): string {
  const ids = outputs.deploys.map((d) => d.id);
  return ids.length > 0 && ids.every((id) => id !== null) ? ids.join(",") : `started-${outputs.startedAt}`;
}
