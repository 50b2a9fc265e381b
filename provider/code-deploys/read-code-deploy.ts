import { type CodeManagerClient, type EnvironmentCodeDeploy, environmentsFromStatus } from "../pe";
import type { Props } from "../resource/host";
import { userInputs } from "../resource/resource-props";
import { outputsOf } from "./code-deploy-outputs";

/**
 * `read`: what `/deploys/status` says now of the environments recorded. An environment Code Manager no longer
 * shows keeps what was recorded; one deployed at another commit since loses the old deploy's id and file sync.
 */
export async function readCodeDeploy(
  client: CodeManagerClient,
  id: string,
  props: Props,
): Promise<{ id: string; props: Props }> {
  const inputs = userInputs(props);
  const stored = props.deploys as EnvironmentCodeDeploy[] | undefined;
  const names = stored?.map((d) => d.environment) ?? (inputs.environments as string[] | undefined) ?? [];
  const status = await client.deploysStatus();
  const now = environmentsFromStatus(status, names);
  const deploys = names.map((environment, i) => {
    const before = stored?.[i];
    const fresh = now[i];
    if (!before) return fresh;
    // Garbage-collected or never seen by this Code Manager: keep what was recorded.
    if (fresh.status === "unknown") return before;
    const same = fresh.deploySignature === before.deploySignature;
    return {
      ...before,
      status: fresh.status,
      deploySignature: fresh.deploySignature ?? before.deploySignature,
      error: fresh.error,
      id: same ? before.id : null,
      fileSync: same ? before.fileSync : null,
    };
  });
  const outputs = outputsOf({
    environments: deploys,
    startedAt: String(props.startedAt ?? ""),
    finishedAt: (props.finishedAt as string | null) ?? undefined,
    durationSeconds: (props.durationSeconds as number | null) ?? undefined,
  });
  return { id, props: { ...inputs, ...outputs } };
}
