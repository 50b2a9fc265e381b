import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, type FaultRule, startEmulator } from "../../emulator";
import { emulatorStack } from "../support/emulator-stack";
import type { CommandResult } from "../support/test-stack";
import {
  countJobs,
  itEachSideBySide,
  output,
  reliabilityWorld,
  type ScenarioRun,
  scoreScenario,
  upInBackground,
  waitUntil,
} from "./support/reliability";

// Faults while `pulumi up` waits on a deploy and a plan run (the emulator's fault knobs, a restart on the same
// state dir and port, a token that expires mid-wait). Each scenario ends in success, or in a clear error naming the
// job, and never with a second job. Scenarios run a few at a time (each has its own emulator and stack).
const program = `
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";
const deploy = new EnvironmentDeploy("web", { environment: "production", nodes: ["node1.example.com"] });
const plan = new PlanRun("long", { planName: "demo::long" });
export const deployJob = deploy.jobId;
export const deployState = deploy.state;
export const planJob = plan.jobId;
export const planState = plan.state;
`;
/** One deploy, one plan run. */
const EXPECTED_JOBS = 2;
/** Deploy runs take 30 world seconds and demo::long 60: 1.5 s and 3 s here. */
const TIME_SCALE = 20;
/** Only the waits' requests (a job's record and events), not the lists `create` reads before starting. */
const WAIT_PATHS = "^/orchestrator/v1/(jobs|plan_jobs)/\\d+";
const COMMAND_PATHS = "^/orchestrator/v1/command/(deploy|plan_run)$";
const OPS_TOKENS = ["ops-token-1", "ops-token-2"];
const CONCURRENCY = 3;

interface Scenario {
  name: string;
  run(s: Setup): Promise<string>;
}

/** What a scenario works with; `emu` may be replaced (restart). */
interface Setup extends ScenarioRun {
  up(extra?: string[]): Promise<CommandResult>;
}

const waitsStarted = (emu: Emulator) =>
  emu.requests.some((r) => /\/jobs\/\d+/.test(r.path)) &&
  emu.requests.some((r) => /\/plan_jobs\/\d+/.test(r.path));

/** `up` ends in success with one job per resource, after the faults were actually served. */
function survives(name: string, rules: FaultRule[], served: (emu: Emulator) => boolean): Scenario {
  return {
    name,
    async run({ emu, up, stack }) {
      emu.setFaults({ rules });
      const result = await up();
      assert.equal(result.code, 0, output(result));
      assert.ok(served(emu), `the faults were served: ${JSON.stringify(emu.requests.slice(-20))}`);
      const outputs = await stack.outputs();
      assert.equal(outputs.deployState, "finished");
      assert.equal(outputs.planState, "success");
      return "success";
    },
  };
}

/** A command's answer is lost: `up` fails saying so, and the next `up` takes the job instead of starting one. */
function commandAnswerLost(name: string, rule: FaultRule, expect: RegExp): Scenario {
  return {
    name,
    async run({ emu, up, stack }) {
      emu.setFaults({ rules: [rule] });
      // Both creates must send their command: the first to fail would otherwise stop the engine from starting
      // the other (which one sends first is a race, as checks take their own time).
      const first = await up(["--continue-on-error"]);
      assert.notEqual(first.code, 0, output(first));
      assert.match(output(first), expect);
      assert.equal((await countJobs(emu)).total, EXPECTED_JOBS, "the commands were carried out");
      emu.setFaults({ rules: [] });
      const second = await up();
      assert.equal(second.code, 0, output(second));
      assert.match(output(second), /started by an interrupted run/);
      assert.deepEqual(await stack.outputs(), {
        deployJob: "1",
        deployState: "finished",
        planJob: "1",
        planState: "success",
      });
      return "clear error; next up took the jobs";
    },
  };
}

const scenarios: Scenario[] = [
  survives(
    "faults: 503 burst on polls",
    [{ method: "GET", path: WAIT_PATHS, action: "error", status: 503, count: 6 } as FaultRule],
    (emu) => emu.requests.filter((r) => r.status === 503).length >= 2,
  ),
  survives(
    "faults: 429 with Retry-After: 1 on polls",
    [
      {
        method: "GET",
        path: WAIT_PATHS,
        action: "error",
        status: 429,
        retryAfterSeconds: 1,
        count: 3,
      } as FaultRule,
    ],
    (emu) => emu.requests.filter((r) => r.status === 429).length >= 2,
  ),
  survives(
    "faults: connection resets on polls",
    [{ method: "GET", path: WAIT_PATHS, action: "drop", count: 4 } as FaultRule],
    (emu) => emu.requests.filter((r) => r.status === 0).length >= 2,
  ),
  survives(
    "faults: slow bodies (1.5 s) on polls",
    [{ method: "GET", path: WAIT_PATHS, action: "slow", ms: 1500, count: 4 } as FaultRule],
    () => true,
  ),
  survives(
    "faults: malformed JSON on polls",
    [{ method: "GET", path: WAIT_PATHS, action: "malformed", count: 4 } as FaultRule],
    () => true,
  ),
  commandAnswerLost(
    "faults: command's answer lost (reset after handling)",
    { method: "POST", path: COMMAND_PATHS, action: "drop", afterHandling: true, count: 2 } as FaultRule,
    /not re-sent because it may have reached the server: list recent jobs/,
  ),
  commandAnswerLost(
    "faults: command's answer malformed",
    { method: "POST", path: COMMAND_PATHS, action: "malformed", count: 2 } as FaultRule,
    /the command may have been carried out/,
  ),
  {
    name: "faults: orchestrator restart mid-job (same state dir)",
    async run(s) {
      const background = upInBackground(s.stack);
      await waitUntil(() => waitsStarted(s.emu), "both waits started");
      const port = Number(new URL(s.emu.url).port);
      await s.emu.stop();
      s.emu = await startEmulator({
        quiet: true,
        world: reliabilityWorld,
        timeScale: TIME_SCALE,
        stateDir: s.emu.stateDir,
        port,
      });
      const result = await background.done;
      s.outputs.push(result);
      const text = output(result);
      // The plan job (3 s) is always interrupted; the deploy (1.5 s) may have finished before the restart.
      assert.notEqual(result.code, 0, text);
      assert.match(
        text,
        /PlanRun plan job 1 failed \(state failure\): plan error puppetlabs\.orchestrator\/plan-interrupted/,
      );
      assert.match(text, /Job URL: https:\/\/127\.0\.0\.1:\d+\/orchestrator\/v1\/plan_jobs\/1/);
      // Consistent: the outcome is recorded, and the next up reports it again without a new job.
      const again = await s.up();
      assert.notEqual(again.code, 0, output(again));
      // The deploy (1.5 s) may have been interrupted too; the engine stops at the first failed update.
      assert.match(output(again), /(plan job|job) 1 had failed \(state (failure|failed)\)/);
      return "clear error naming plan job 1 (interrupted)";
    },
  },
  {
    name: "faults: token expires mid-wait, new token in the file",
    async run(s) {
      const tokenFile = await useTokenFile(s);
      const background = upInBackground(s.stack);
      await waitUntil(() => waitsStarted(s.emu), "both waits started");
      fs.writeFileSync(tokenFile, "ops-token-2\n");
      s.emu.expireToken("ops-token-1");
      const result = await background.done;
      s.outputs.push(result);
      assert.equal(result.code, 0, output(result));
      assert.ok(
        s.emu.requests.some((r) => r.status === 401),
        "the old token was refused",
      );
      assert.equal((await s.stack.outputs()).planState, "success");
      return "success (token re-read)";
    },
  },
  {
    name: "faults: token expires mid-wait, no new token",
    async run(s) {
      const tokenFile = await useTokenFile(s);
      const background = upInBackground(s.stack);
      await waitUntil(() => waitsStarted(s.emu), "both waits started");
      s.emu.expireToken("ops-token-1");
      const result = await background.done;
      s.outputs.push(result);
      const text = output(result);
      assert.notEqual(result.code, 0, text);
      assert.match(text, /plan job 1 \(https:\/\/[^)]+\/plan_jobs\/1\) could not be polled/);
      assert.match(text, /the token has expired \(token from pe:tokenFile/);
      assert.match(text, /the job may still be running/);
      // The user logs in again and runs `up`: the job recorded as still running is waited for, and its real
      // outcome recorded; no job is started.
      fs.writeFileSync(tokenFile, "ops-token-2\n");
      const again = await s.up();
      s.outputs.push(again);
      assert.equal(again.code, 0, output(again));
      assert.equal((await s.stack.outputs()).planState, "success");
      return "clear error naming plan job 1; next up recorded it";
    },
  },
];

/** Connects the stack through `pe:tokenFile` holding ops-token-1 instead of `pe:token`. */
async function useTokenFile(s: Setup): Promise<string> {
  const file = path.join(s.stack.dir, "pe-token");
  fs.writeFileSync(file, "ops-token-1\n");
  await s.stack.pulumiOk(["config", "rm", "pe:token"]);
  await s.stack.setConfig("pe:tokenFile", file);
  return file;
}

async function runScenario(scenario: Scenario): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pe-faults-"));
  const { emu, stack } = await emulatorStack({
    project: "faults",
    files: { "index.ts": program },
    emulator: { world: reliabilityWorld, timeScale: TIME_SCALE, stateDir },
  });
  const s: Setup = {
    emu,
    stack,
    outputs: [],
    async up(extra: string[] = []) {
      const result = await stack.up(extra);
      s.outputs.push(result);
      return result;
    },
  };
  try {
    await scoreScenario(scenario.name, s, () => scenario.run(s), {
      expectedJobs: EXPECTED_JOBS,
      tokens: OPS_TOKENS,
    });
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

describe("reliability: faults while waiting end in success or a clear error, with no duplicate job", function () {
  this.timeout(10 * 60 * 1000);
  // a small pool: each scenario mostly waits on processes and timers
  itEachSideBySide(scenarios, (scenario) => scenario.name, runScenario, CONCURRENCY);
});
