import type { OrchestratorClient } from "../pe";
import type { JobKind } from "../kinds/job-kind";
import type { CheckFailure } from "../resource/resource-operations";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { disconnectedNodes, TargetLookupError } from "./resolve-targets";

/** How many names a preview line shows before "…". */
const SHOWN = 5;

function list(names: string[]): string {
  return names.length <= SHOWN ? names.join(", ") : `${names.slice(0, SHOWN).join(", ")}, …`;
}

const count = (n: number) => `${n} node${n === 1 ? "" : "s"}`;

/**
 * For a resource that `up` would create or replace: says on the resource's row what the job will run on (count,
 * first names, where they came from) and which targets are not connected to the orchestrator. Services that
 * cannot be read cost one line and nothing else. `requireConnected` turns disconnected targets into a failure.
 * Never sends a command.
 */
export async function previewRun<
  I extends { failOnJobFailure?: boolean; requireConnected?: boolean },
  O extends CommonJobOutputs,
>(
  kind: Pick<JobKind<I, O>, "describeRun">,
  client: OrchestratorClient,
  inputs: I,
  /** shows a message on the resource's row */
  log: (message: string, severity: "info" | "warning") => Promise<void>,
  /** hides what must not be shown (the values of secret params, which plan targets come from) */
  hide: (message: string) => string = (message) => message,
): Promise<CheckFailure[]> {
  const say = (message: string, severity: "info" | "warning") =>
    log(hide(message), severity).catch(() => undefined);
  try {
    const run = await kind.describeRun?.(client, inputs);
    if (!run) return [];
    for (const warning of run.warnings ?? []) await say(warning, "warning");
    const targets = await run.targets();
    const { names, source } = targets;
    if (names.length === 0) {
      await say(
        `will ${run.action} on no nodes (${source}): PE will refuse the job as having no target`,
        "warning",
      );
      return [];
    }
    await say(`will ${run.action} on ${count(names.length)}: ${list(names)} (${source})`, "info");
    const offline = await disconnectedNodes(client, names);
    if (offline.length === 0) return [];
    const what = `${offline.length} of ${count(names.length)} ${offline.length === 1 ? "is" : "are"} not connected to the orchestrator: ${list(offline)}`;
    if (inputs.requireConnected === true)
      return [
        {
          property: "requireConnected",
          reason: hide(
            `${what}; they would end the job errored. Connect their agents (PCP) or change the scope`,
          ),
        },
      ];
    await say(`${what} (they will end errored; requireConnected: true refuses this in preview)`, "warning");
    return [];
  } catch (error) {
    // What preview adds is information: whatever goes wrong finding it, `up` must behave as without it.
    const what =
      error instanceof TargetLookupError
        ? error.message
        : `could not work out what the job will run on: ${(error as Error).message}`;
    await say(`${what}; preview goes on, up behaves as usual`, "info");
    return [];
  }
}
