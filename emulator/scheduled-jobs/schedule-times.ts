import type { Schedule } from "../http/scheduled-job-schemas";

/** Real ms between runs: the interval is in world seconds, like every duration (null: run once). */
export function intervalMs(schedule: Schedule, timeScale: number): number | null {
  return schedule.interval === null ? null : (schedule.interval.value * 1000) / timeScale;
}

/**
 * The first run at or after `from` (real ms): start_time, or for a recurring schedule whose start is past, the
 * first start_time + k * interval not in the past. Null: a run-once schedule whose start is past.
 */
export function firstRunFrom(schedule: Schedule, timeScale: number, from: number): number | null {
  const start = Date.parse(schedule.start_time);
  if (start >= from) return start;
  const every = intervalMs(schedule, timeScale);
  return every === null ? null : start + Math.ceil((from - start) / every) * every;
}

/**
 * The run after one handled at `now`: the first time on the schedule's grid after `now`, so runs never drift and
 * a late timer skips what it missed rather than piling runs up. Null: a run-once schedule has run.
 */
export function runAfter(schedule: Schedule, timeScale: number, now: number): number | null {
  const every = intervalMs(schedule, timeScale);
  if (every === null) return null;
  const start = Date.parse(schedule.start_time);
  return start > now ? start : start + (Math.floor((now - start) / every) + 1) * every;
}
