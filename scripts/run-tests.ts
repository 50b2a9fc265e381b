// Runs every mocha test file of test/ in a few processes side by side (the suite is mostly engines and plugins
// starting and waiting), each process a share of the files balanced by their last known times
// (test/file-times.json). Files that must share a process stay together: test/reliability/ (its scoreboard prints
// the rows its files record) and test/release/ (one release build). Prints each process's output as it ends, then
// the slowest files and the time. `PE_TEST_PROCESSES` sets how many processes (default: CPUs + 1).
// `npx ts-node --transpile-only scripts/run-tests.ts [--quick] [--write-times]`: --quick runs only the files that
// start no Pulumi engine, language host or build (npm run test:quick); --write-times updates test/file-times.json.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const timesFile = path.join(root, "test", "file-times.json");
const work = path.join(root, ".pulumi-test", "runs");
/** A file not timed yet: a unit test's few seconds. */
const UNKNOWN_SECONDS = 5;
/** Folders whose files run in one process. */
const TOGETHER = ["test/reliability/", "test/release/"];

/** What starts the Pulumi engine, a language host or a build: left out of the quick tier. */
const ENGINE_FOLDERS = ["test/e2e/", "test/release/", "test/reliability/", "test/plugin/"];
/** Files of those folders that start none of that: unit tests of the plugin face. */
const QUICK_ANYWAY = [
  "test/plugin/lazy-provider.test.ts",
  "test/plugin/plugin-provider.test.ts",
  "test/plugin/sdk-server-hooks.test.ts",
  "test/plugin/secrets.test.ts",
];

function isQuick(file: string): boolean {
  return QUICK_ANYWAY.includes(file) || !ENGINE_FOLDERS.some((folder) => file.startsWith(folder));
}

function testFiles(): string[] {
  return (fs.readdirSync(path.join(root, "test"), { recursive: true, encoding: "utf8" }) as string[])
    .filter((rel) => rel.endsWith(".test.ts"))
    .map((rel) => path.join("test", rel).split(path.sep).join("/"))
    .sort();
}

function knownTimes(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(timesFile, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/** The files in groups (one per TOGETHER folder, else one per file), spread on `count` processes: longest first. */
function shares(files: string[], times: Record<string, number>, count: number): string[][] {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const key = TOGETHER.find((folder) => file.startsWith(folder)) ?? file;
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  const cost = (group: string[]) => group.reduce((sum, file) => sum + (times[file] ?? UNKNOWN_SECONDS), 0);
  const processes = Array.from({ length: count }, () => ({ files: [] as string[], seconds: 0 }));
  for (const group of [...groups.values()].sort((a, b) => cost(b) - cost(a))) {
    const least = processes.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    least.files.push(...group);
    least.seconds += cost(group);
  }
  return processes.filter((p) => p.files.length > 0).map((p) => p.files);
}

interface Outcome {
  code: number;
  seconds: number;
  /** Each file's wall and CPU seconds (its engines and plugins included). */
  times: Record<string, [number, number]>;
}

function runShare(index: number, files: string[]): Promise<Outcome> {
  const log = path.join(work, `process-${index}.log`);
  const timesOut = path.join(work, `times-${index}.json`);
  fs.rmSync(timesOut, { force: true });
  const out = fs.openSync(log, "w");
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [require.resolve("mocha/bin/mocha.js"), "--reporter", "test/support/file-times-reporter.ts", ...files],
    { cwd: root, env: { ...process.env, PE_TEST_TIMES: timesOut }, stdio: ["ignore", out, out] },
  );
  return new Promise((resolve) => {
    child.on("close", (code) => {
      fs.closeSync(out);
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `\n== test process ${index + 1}: ${files.length} files, ${seconds.toFixed(0)} s, exit ${code}`,
      );
      process.stdout.write(fs.readFileSync(log, "utf8"));
      let times: Record<string, [number, number]> = {};
      try {
        const absolute = JSON.parse(fs.readFileSync(timesOut, "utf8")) as Record<string, [number, number]>;
        times = Object.fromEntries(
          Object.entries(absolute).map(([file, s]) => [
            path.relative(root, file).split(path.sep).join("/"),
            s,
          ]),
        );
      } catch {
        // the process ended before its reporter wrote: its files keep their known times
      }
      resolve({ code: code ?? 1, seconds, times });
    });
  });
}

async function main(): Promise<void> {
  fs.mkdirSync(work, { recursive: true });
  const count = Number(process.env.PE_TEST_PROCESSES ?? os.cpus().length + 1);
  const known = knownTimes();
  const quick = process.argv.includes("--quick");
  const files = testFiles().filter((file) => !quick || isQuick(file));
  const planned = shares(files, known, Math.max(1, count));
  const started = Date.now();
  console.log(`${files.length} test files in ${planned.length} processes`);
  const outcomes = await Promise.all(planned.map((share, i) => runShare(i, share)));
  const measured = Object.assign({}, ...outcomes.map((o) => o.times)) as Record<string, [number, number]>;
  const slowest = Object.entries(measured)
    .sort((a, b) => b[1][0] - a[1][0])
    .slice(0, 10);
  console.log("\nThe slowest test files (wall; CPU with the engines and plugins they started)");
  for (const [file, [wall, cpu]] of slowest)
    console.log(`${wall.toFixed(1).padStart(8)} s  ${cpu.toFixed(1).padStart(7)} s CPU  ${file}`);
  const cpu = Object.values(measured).reduce((sum, [, c]) => sum + c, 0);
  console.log(`CPU of every test file together: ${cpu.toFixed(0)} s`);
  const times = Object.fromEntries(Object.entries(measured).map(([file, [wall]]) => [file, wall]));
  const each = outcomes.map((o) => `${o.seconds.toFixed(0)} s`).join(", ");
  console.log(
    `\nmocha: ${((Date.now() - started) / 1000).toFixed(0)} s in ${planned.length} processes (${each})`,
  );
  if (process.argv.includes("--write-times")) {
    const sorted = Object.fromEntries(
      Object.entries({ ...known, ...times })
        .filter(([f]) => files.includes(f))
        .sort(),
    );
    fs.writeFileSync(timesFile, `${JSON.stringify(sorted, null, 1)}\n`);
  }
  const failed = outcomes.filter((o) => o.code !== 0).length;
  if (failed > 0) {
    console.log(`${failed} test process(es) failed: search the output above for "failing"`);
    process.exitCode = 1;
  }
}

void main();
