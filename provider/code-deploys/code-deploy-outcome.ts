import {
  baselineSince,
  type CodeDeployEnvironments,
  type CodeManagerClient,
  type EnvironmentCodeDeploy,
  environmentsFromStatus,
} from "../pe";
import type { Props } from "../resource/host";
import { JobFailedError } from "../resource/job-failed-error";
import { CANCEL_READ_MS } from "../resource/resource-operations";
import { type CodeDeployOutputs, idOf, outputsOf } from "./code-deploy-outputs";
import type { CodeDeployInputs } from "./code-deploy-inputs";

export const TYPE = "CodeDeploy";

/** What to do about a failed environment, by Code Manager's error kind. */
function failureHint(deploy: EnvironmentCodeDeploy): string {
  const kind = deploy.error?.kind ?? "";
  if (kind.endsWith("/deploy-failure")) {
    return `check that the control repo has a branch named "${deploy.environment}" and that its Puppetfile deploys (Code Manager's log: /var/log/puppetlabs/puppetserver/puppetserver.log)`;
  }
  return "see Code Manager's log on the primary (/var/log/puppetlabs/puppetserver/puppetserver.log)";
}

/** Throws when the outcome fails the operation: a failed environment, or a commit other than the expected one. */
export function checkOutcome(
  parsed: CodeDeployInputs,
  outputs: CodeDeployOutputs,
  id: string,
  props: Props,
  when: string,
): void {
  const failed = outputs.deploys.filter((d) => d.status === "failed");
  if (failed.length > 0 && parsed.failOnJobFailure !== false) {
    const what = failed
      .map(
        (d) =>
          `${d.environment} (${d.error?.kind ?? "failed"}: ${d.error?.msg ?? "no message"}); ${failureHint(d)}`,
      )
      .join("; ");
    throw new JobFailedError(
      `${TYPE}: code deploy ${when} for ${what}. It is recorded in the stack; to deploy again, change the ` +
        "resource's triggers, or set failOnJobFailure: false to accept this outcome.",
      id,
      { ...props, ...outputs },
    );
  }
  const expected = parsed.expectedSignature;
  if (expected === undefined) return;
  const other = outputs.deploys.filter(
    (d) => d.status === "complete" && d.deploySignature && !d.deploySignature.startsWith(expected),
  );
  if (other.length > 0) {
    const what = other.map((d) => `${d.environment} at ${d.deploySignature}`).join(", ");
    throw new JobFailedError(
      `${TYPE}: Code Manager deployed ${what}, not the expected commit ${expected} (expectedSignature): the branch ` +
        "moved since that commit was chosen. Once the branch points at the commit you want, change triggers to " +
        "deploy again, or set expectedSignature to the deployed commit.",
      id,
      { ...props, ...outputs },
    );
  }
}

/**
 * After the engine's Cancel: where the deploys stand (read once, briefly), as `deploying` outputs, so that the
 * next `up` waits for them. Code Manager cannot stop a deploy: they go on.
 */
export async function standingAfterCancel(
  client: CodeManagerClient,
  names: CodeDeployEnvironments,
  startedAt: string,
): Promise<CodeDeployOutputs> {
  const status = await client
    .deploysStatus({ signal: AbortSignal.timeout(CANCEL_READ_MS) })
    .catch(() => undefined);
  const unknown = (environment: string): EnvironmentCodeDeploy => ({
    environment,
    id: null,
    status: "unknown",
    deploySignature: null,
    fileSync: null,
    error: null,
  });
  const environments = status
    ? environmentsFromStatus(status, names, baselineSince(startedAt))
    : names === "all"
      ? []
      : names.map(unknown);
  return outputsOf({ environments, startedAt });
}

/** The one clear line `up` ends with for a CodeDeploy whose wait the engine cancelled. */
export function cancelledError(outputs: CodeDeployOutputs, props: Props): JobFailedError {
  const where =
    outputs.deploys.map((d) => `${d.environment} ${d.status}`).join(", ") || "no environment known";
  return new JobFailedError(
    `${TYPE}: cancelled (the Pulumi engine asked to cancel); Code Manager cannot stop a deploy, so it goes on ` +
      `(${where}). It is recorded in the stack: the next \`pulumi up\` waits for it (or \`pulumi refresh\` reads it).`,
    idOf(outputs),
    { ...props, ...outputs },
  );
}
