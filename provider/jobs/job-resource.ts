import type { OrchestratorClient } from "../pe";
import type { JobKind } from "../kinds/job-kind";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { type Connections, connections } from "../resource/client-cache";
import type { Host, Props } from "../resource/host";
import { JobFailedError } from "../resource/job-failed-error";
import { hideParams } from "../resource/resource-props";
import { StatusLine } from "../resource/status-line";

/** What every lifecycle step of a job resource works with: its kind, the face's host, the clients. */
export interface JobResource<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs> {
  kind: JobKind<I, O>;
  host: Host;
  clients: Connections;
  clientFor(inputs: Props): OrchestratorClient;
}

export function jobResource<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  host: Host,
): JobResource<I, O> {
  const clients = connections(host);
  return { kind, host, clients, clientFor: (inputs) => clients.orchestrator(inputs) };
}

/** The resource's status line (replaced in place on the engine's display). */
export function statusLine(host: Host, urn: string | undefined): StatusLine {
  return new StatusLine((message) => host.log(message, { urn, ephemeral: true }));
}

/** Shows the kind's warnings about a job that is about to start on the resource's row (preview and up). */
export async function warnBeforeRun<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  { kind, host }: JobResource<I, O>,
  value: I,
  urn: string | undefined,
): Promise<void> {
  for (const message of kind.warnings?.(value) ?? [])
    await host.log(`${kind.typeName}: ${message}`, { urn, severity: "warning" });
}

/** Fails the operation for a failed job. `props` are all of the resource's: a partial failure keeps a face's keys. */
export function failedJob<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  kind: JobKind<I, O>,
  jobName: string,
  outputs: O,
  props: Props,
  what: string,
): never {
  throw new JobFailedError(
    `${kind.typeName} ${kind.jobNoun} ${jobName} ${what} (state ${outputs.state}): ` +
      `${hideParams(kind.describeFailure(outputs), props)}. ` +
      `Job URL: ${outputs.jobUrl}. It is recorded in the stack; to run it again, change the resource's ` +
      `triggers, or set failOnJobFailure: false to accept this outcome.`,
    jobName,
    { ...props, ...outputs },
  );
}
