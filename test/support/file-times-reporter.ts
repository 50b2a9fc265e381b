import * as fs from "node:fs";
import Mocha from "mocha";

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Mocha.Runner.constants;

/**
 * Mocha's spec reporter, which also times each test file (from its first suite's start to its last suite's end,
 * hooks included) and, when PE_TEST_TIMES names a file, writes `{ file: seconds }` there at the end: the suite's
 * runner (scripts/run-tests.ts) balances its processes with these figures and prints the slowest files.
 */
class FileTimesReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const times = new Map<string, { start: number; end: number }>();
    const fileOf = (suite: Mocha.Suite) => (suite.parent?.root && suite.file ? suite.file : undefined);
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      const file = fileOf(suite);
      if (file && !times.has(file)) times.set(file, { start: Date.now(), end: Date.now() });
    });
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      const file = fileOf(suite);
      const time = file && times.get(file);
      if (time) time.end = Date.now();
    });
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.PE_TEST_TIMES;
      if (!out) return;
      const seconds = Object.fromEntries(
        [...times].map(([file, t]) => [file, Math.round((t.end - t.start) / 100) / 10]),
      );
      fs.writeFileSync(out, JSON.stringify(seconds, null, 1));
    });
  }
}

export = FileTimesReporter;
