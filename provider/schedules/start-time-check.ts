import type { ScheduleInput } from "./schedule-inputs";
import type { CheckFailure } from "../resource/resource-operations";

/** "once at …", "every 3600 s from …": for preview's line about what a schedule's jobs will run on. */
export function whenItRuns(schedule: ScheduleInput): string {
  return schedule.intervalSeconds === undefined
    ? `once at ${schedule.startTime}`
    : `every ${schedule.intervalSeconds} s from ${schedule.startTime}`;
}

/**
 * A start time in the past: PE refuses a run-once schedule (`invalid-time`: it would never run), and runs a
 * recurring one first at the first start time + k * interval that is not in the past.
 */
export function startTimeCheck(
  schedule: ScheduleInput,
  now: number,
): { failure?: CheckFailure; warning?: string } {
  const start = Date.parse(schedule.startTime);
  if (Number.isNaN(start) || start >= now) return {};
  if (schedule.intervalSeconds === undefined)
    return {
      failure: {
        property: "schedule.startTime",
        reason:
          `start time ${schedule.startTime} is in the past and there is no interval: PE refuses it (invalid-time); ` +
          "set a later startTime, or an intervalSeconds",
      },
    };
  const every = schedule.intervalSeconds * 1000;
  const next = start + Math.ceil((now - start) / every) * every;
  return {
    warning: `start time ${schedule.startTime} is in the past: the first run is at ${new Date(next).toISOString()}`,
  };
}
