import * as fs from "node:fs";
import Mocha from "mocha";

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Mocha.Runner.constants;

/**
 * CPU seconds this process and the children it waited for used so far (Linux: /proc/self/stat's utime, stime,
 * cutime and cstime, at 100 ticks a second). A `pulumi` command waits for its plugins and language hosts, so a
 * test file's engines count too. 0 where there is no /proc.
 */
function cpuSeconds(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): utime..cstime are fields 14..17
    return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / 100;
  } catch {
    return 0;
  }
}

/**
 * Mocha's spec reporter, which also times each test file (from its first suite's start to its last suite's end,
 * hooks included), and the CPU seconds it used with the engines and plugins it started; when PE_TEST_TIMES names
 * a file, writes `{ file: [seconds, cpuSeconds] }` there at the end: the suite's runner (scripts/run-tests.ts)
 * balances its processes with these figures and prints the slowest files.
 */
class FileTimesReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const times = new Map<string, { start: number; end: number; cpuStart: number; cpuEnd: number }>();
    const fileOf = (suite: Mocha.Suite) => (suite.parent?.root && suite.file ? suite.file : undefined);
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      const file = fileOf(suite);
      if (file && !times.has(file)) {
        const cpu = cpuSeconds();
        times.set(file, { start: Date.now(), end: Date.now(), cpuStart: cpu, cpuEnd: cpu });
      }
    });
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      const file = fileOf(suite);
      const time = file && times.get(file);
      if (!time) return;
      time.end = Date.now();
      time.cpuEnd = cpuSeconds();
    });
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.PE_TEST_TIMES;
      if (!out) return;
      const tenths = (n: number) => Math.round(n * 10) / 10;
      const seconds = Object.fromEntries(
        [...times].map(([file, t]) => [
          file,
          [tenths((t.end - t.start) / 1000), tenths(t.cpuEnd - t.cpuStart)],
        ]),
      );
      fs.writeFileSync(out, JSON.stringify(seconds, null, 1));
    });
  }
}

export = FileTimesReporter;
