import { ApiError, orchestratorKind } from "../http/api-error";
import type { EventsFault } from "../world/world-schema";

/** Events before `at` ms (or at it too, with `inclusive`) in a timeline sorted by time. */
function countBefore(times: ArrayLike<number>, at: number, inclusive: boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < at || (inclusive && times[mid] === at)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How many of a job's events (a prefix of its timeline: `times` sorted, ms after creation) an events page may
 * show `elapsed` ms after creation, under the events fault knob. `failing` answers a 500 instead.
 */
export function eventsShown(
  times: ArrayLike<number>,
  endAt: number,
  elapsed: number,
  fault: EventsFault | undefined,
): number {
  switch (fault?.events ?? "complete") {
    case "empty":
      return 0;
    case "truncated":
      // nothing from the end on: the last runs' ends and the job's final event never come
      return Math.min(countBefore(times, elapsed, true), countBefore(times, endAt, false));
    case "ahead":
      return countBefore(times, elapsed + (fault?.eventsAheadMs ?? 0), true);
    case "failing":
      throw new ApiError(
        500,
        orchestratorKind("unknown-error"),
        "Emulated fault: the events are unavailable",
      );
    default:
      return countBefore(times, elapsed, true);
  }
}
