import { ConnectionSettingsError, type OrchestratorClient, OrchestratorError } from "../pe";
import { isTlsTrustError } from "../pe/http/error-hints";
import { suggestEnvironment, suggestPlan, suggestTask } from "../preview/known-names";
import type { CheckFailure } from "../resource/resource-operations";
import type { JobKind } from "./job-kind";
import type { CommonJobOutputs } from "./job-outputs";

/** Checks needing the orchestrator (plan and params); skipped quietly when it cannot be reached. */
export async function checkRemotely<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  value: I,
  clientFor: () => OrchestratorClient,
): Promise<CheckFailure[]> {
  let client: OrchestratorClient;
  try {
    client = clientFor();
  } catch (error) {
    if (error instanceof ConnectionSettingsError) return [];
    throw error;
  }
  try {
    return (await kind.checkAgainstOrchestrator?.(client, value)) ?? [];
  } catch (error) {
    if (!(error instanceof OrchestratorError)) return [];
    const subject = kind.subjectInput ?? "(inputs)";
    if (error.status === 404) {
      const property = error.kind?.endsWith("unknown-environment") ? "environment" : subject;
      const names = value as { environment?: string; planName?: string; task?: string };
      const environment = names.environment ?? "production";
      const suggestion =
        property === "environment"
          ? await suggestEnvironment(client, environment)
          : property === "planName" && names.planName
            ? await suggestPlan(client, names.planName, environment)
            : property === "task" && names.task
              ? await suggestTask(client, names.task, environment)
              : "";
      return [{ property, reason: `${error.msg ?? error.message}${suggestion}` }];
    }
    // Problems a later `up` could not get past either: say so now, naming what to fix.
    if (error.status === 401) return [{ property: "connection", reason: error.message }];
    if (error.status === 403) return [{ property: subject, reason: error.message }];
    if (isTlsTrustError(error.code)) return [{ property: "connection.cacert", reason: error.message }];
    // Unreachable or anything else: `create` reports it with full context.
    return [];
  }
}
