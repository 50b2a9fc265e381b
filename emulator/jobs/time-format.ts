/** PE timestamps: ISO-8601 UTC, second precision, `Z`. */
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Seconds, rounded to milliseconds. */
export const seconds = (ms: number) => Math.round(ms) / 1000;

/** A job's `duration` is a string such as "256.0" or "67.34". */
export function durationString(ms: number): string {
  const s = String(seconds(ms));
  return s.includes(".") ? s : `${s}.0`;
}
