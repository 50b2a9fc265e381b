import { baselineSince, type CodeManagerClient, followCodeDeploy } from "../pe";
import { EngineCancelled, type Host, type Props } from "../resource/host";
import { userInputs } from "../resource/resource-props";
import { codeDeployInputsSchema } from "./code-deploy-inputs";
import { cancelledError, checkOutcome, standingAfterCancel } from "./code-deploy-outcome";
import { type CodeDeployOutputs, outputsOf } from "./code-deploy-outputs";
import { progressStatus } from "./deploy-and-wait";

/**
 * `update`: no request, unless the deploy was recorded before it ended: then it follows the deploy and records how
 * it ended. A failed deploy stays failed until triggers change or the failure is accepted.
 */
export async function updateCodeDeploy(
  { host, clientFor, urn }: { host: Host; clientFor: () => CodeManagerClient; urn: string | undefined },
  id: string,
  olds: Props,
  news: Props,
): Promise<{ outs: Props }> {
  const inputs = userInputs(news);
  const parsed = codeDeployInputsSchema.parse(inputs);
  let outputs = {
    state: olds.state,
    deploys: olds.deploys,
    deploySignatures: olds.deploySignatures,
    startedAt: olds.startedAt,
    finishedAt: olds.finishedAt,
    durationSeconds: olds.durationSeconds,
  } as CodeDeployOutputs;
  if (outputs.state === "deploying") {
    // Recorded before it ended: follow the deploy now and record how it ended.
    const names = outputs.deploys.map((d) => d.environment);
    const client = clientFor();
    const signal = host.signal();
    const status = progressStatus(host, urn, names.join(", "));
    const outcome = await followCodeDeploy(client, names, baselineSince(outputs.startedAt), {
      startedAt: outputs.startedAt,
      timeoutMs: parsed.waitTimeoutSeconds === undefined ? undefined : parsed.waitTimeoutSeconds * 1000,
      onProgress: status.onProgress,
      signal,
    })
      .catch((error: unknown) => {
        if (!(signal.reason instanceof EngineCancelled)) throw error;
        return standingAfterCancel(client, names, outputs.startedAt).then((standing) => {
          throw cancelledError(standing, news);
        });
      })
      .finally(() => status.close());
    outputs = outputsOf(outcome);
  }
  checkOutcome(parsed, outputs, id, news, "had failed");
  return { outs: { ...inputs, ...outputs } };
}
