// Helpers shared by the benchmarks: percentiles, goal marks, the summary line scripts/bench.sh collects.
import * as fs from "node:fs";
import * as os from "node:os";

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: number[]) => percentile(values, 50);

export const mark = (ok: boolean) => (ok ? "✓" : "✗");

export const ms = (value: number) => `${Math.round(value)} ms`;

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The one line per benchmark that scripts/bench.sh prints again at the end. */
export function summary(name: string, text: string): void {
  console.log(`\nSUMMARY ${name}: ${text}`);
}

/** Where the figures come from. */
export function machine(): string {
  const cpu = fs
    .readFileSync("/proc/cpuinfo", "utf8")
    .split("\n")
    .find((l) => l.startsWith("model name"))
    ?.split(":")[1]
    ?.trim();
  return `${cpu ?? os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export const sleepMs = (n: number) => new Promise<void>((r) => setTimeout(r, n));
