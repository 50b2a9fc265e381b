import { JobWaitError, type OrchestratorClient } from "../pe";
import type { JobSketch } from "../wait";
import type { CommonJobOutputs } from "../kinds/job-outputs";
import { EngineCancelled, type Props } from "../resource/host";
import { JobFailedError } from "../resource/job-failed-error";
import { progressLine } from "../resource/progress-line";
import { CANCEL_READ_MS, within } from "../resource/resource-operations";
import { hideParams } from "../resource/resource-props";
import type { StatusLine } from "../resource/status-line";
import type { JobResource } from "./job-resource";

/** How long the job's record is read for after the wait's polls failed (PE unreachable), before giving up on it. */
const RECORD_AFTER_FAILURE_MS = 5_000;

/**
 * Waits for the job with the resource's options, showing progress on `status`. A wait that ends without the job's
 * end (Cancel, deadline, PE unreachable) records what is known of the job in the error, so that the next `up` or a
 * `refresh` finds it again.
 */
export async function waitForRun<I extends { failOnJobFailure?: boolean }, O extends CommonJobOutputs>(
  { kind, host }: JobResource<I, O>,
  client: OrchestratorClient,
  jobName: string,
  props: Props,
  status: StatusLine,
  sketch?: JobSketch,
): Promise<O> {
  const timeoutSeconds = props.waitTimeoutSeconds as number | undefined;
  // the engine's Cancel (Ctrl-C, SIGTERM) ends every wait; so does the engine's death
  const signal = host.signal();
  try {
    return await kind.wait(client, jobName, {
      timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
      signal,
      stopOnAbort: (reason) => reason instanceof EngineCancelled && props.stopOnCancel === true,
      sketch,
      onProgress: (progress) => {
        // re-rendered while nothing changes, so the elapsed time keeps moving
        const at = Date.now();
        status.show(() =>
          progressLine(kind.typeName, kind.jobNoun, {
            ...progress,
            elapsedMs: progress.elapsedMs + Date.now() - at,
          }),
        );
      },
    });
  } catch (error) {
    if (!(error instanceof JobWaitError)) throw error;
    const cancelled = error.reason === "aborted" && signal.reason instanceof EngineCancelled;
    // When cancelled, the engine is waiting on us: the read gets a second at most. When PE could not be reached
    // for the wait's whole budget, one attempt for a few seconds (not a second full budget for the same outage).
    const unreachable = error.reason === "request-failed";
    const read = kind
      .read(client, jobName, unreachable ? { retry: false } : undefined)
      .catch(() => undefined);
    const outputs = await (cancelled
      ? within(read, CANCEL_READ_MS)
      : unreachable
        ? within(read, RECORD_AFTER_FAILURE_MS)
        : read);
    const recorded = {
      ...props,
      ...(outputs ?? { jobId: jobName, jobUrl: error.jobUrl, state: error.lastState ?? "unknown" }),
    };
    const message = cancelled
      ? cancelMessage(kind, jobName, recorded, error.stopped, props.stopOnCancel === true)
      : `${kind.typeName}: ${error.message}` +
        (error.reason === "deadline"
          ? ` (waitTimeoutSeconds: ${timeoutSeconds}; raise it if the job needs longer)`
          : "");
    throw new JobFailedError(hideParams(message, props), jobName, recorded);
  } finally {
    status.close();
  }
}

/** One line per resource after a Cancel: the job, its state and URL, and what the next `up` does with it. */
function cancelMessage(
  kind: { typeName: string; jobNoun: string },
  jobName: string,
  recorded: Props,
  stopped: boolean,
  stopOnCancel: boolean,
): string {
  const job = `${kind.jobNoun} ${jobName}`;
  const where = `(state ${String(recorded.state)}, ${String(recorded.jobUrl)})`;
  if (stopped)
    return (
      `${kind.typeName}: cancelled; ${job} was stopped in PE (stopOnCancel) ${where}; ` +
      "the next `pulumi up` records how it ended."
    );
  const how = stopOnCancel
    ? `stopping ${job} failed; it may still be running in PE`
    : `${job} keeps running in PE`;
  return (
    `${kind.typeName}: cancelled; ${how} ${where}; ` +
    "the next `pulumi up` waits for it (or `pulumi refresh` reads it)."
  );
}
