import * as assert from "node:assert/strict";
import { EVENTS_MODES, type Emulator } from "../../emulator";
import { DEFAULT_POLL_POLICY } from "../../provider/wait";
import { adminClient, commandRequests, emulatorStack } from "../support/emulator-stack";
import type { CommandResult, TestStack } from "../support/test-stack";
import { itEachSideBySide, output, reliabilityWorld, scoreScenario } from "./support/reliability";

// `pulumi up` of a deploy and a plan run under each behaviour of the events endpoints (the emulator's
// `faults.events`, set in the world): each job is seen done within the no-prediction interval (5 s) of its
// end, the run succeeds, and a second `up` starts nothing.
const program = `
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";
const deploy = new EnvironmentDeploy("web", { environment: "production", nodes: ["node1.example.com"] });
const plan = new PlanRun("long", { planName: "demo::long" });
export const deployState = deploy.state;
export const planState = plan.state;
`;
const MODES = EVENTS_MODES;
const EXPECTED_JOBS = 2;
/** Deploy runs take 30 world seconds and demo::long 60: 6 s and 12 s here, so the waits back off to 5 s. */
const TIME_SCALE = 5;
const BOUND_MS = DEFAULT_POLL_POLICY.maxMs;
/** The emulator logs a request when its answer is sent; the wait reads it a moment later. */
const SLACK_MS = 500;
const CONCURRENCY = 3;

/**
 * How long after its end the wait first read the job's record (the first record answer sent after the end). The
 * end is the command's answer plus the job's duration: the job was created just before that answer.
 */
async function lateness(emu: Emulator, kind: "jobs" | "plan_jobs", commandPath: string): Promise<number> {
  const command = emu.requests.find((r) => r.method === "POST" && r.path.endsWith(commandPath));
  assert.ok(command, `no ${commandPath} in the log`);
  const client = adminClient(emu);
  let durationMs: number;
  try {
    const record = kind === "jobs" ? await client.getJob("1") : await client.getPlanJob("1");
    durationMs = Number(record.duration) * 1000;
  } finally {
    client.close();
  }
  const endedAt = command.at + durationMs;
  const seen = emu.requests.find(
    (r) => r.method === "GET" && r.path === `/orchestrator/v1/${kind}/1` && r.at >= endedAt,
  );
  assert.ok(seen, `the ${kind} record was never read after the end`);
  return seen.at - endedAt;
}

async function runMode(mode: (typeof MODES)[number]): Promise<void> {
  const { emu, stack } = await emulatorStack({
    project: "events",
    files: { "index.ts": program },
    emulator: { world: { ...reliabilityWorld, faults: { events: mode } }, timeScale: TIME_SCALE },
  });
  const outputs: CommandResult[] = [];
  await scoreScenario(`events: ${mode}`, { emu, stack, outputs }, () => scenario(emu, stack, outputs), {
    expectedJobs: EXPECTED_JOBS,
  });
}

async function scenario(emu: Emulator, stack: TestStack, outputs: CommandResult[]): Promise<string> {
  const up = await stack.up();
  outputs.push(up);
  assert.equal(up.code, 0, output(up));
  assert.deepEqual(await stack.outputs(), { deployState: "finished", planState: "success" });
  const late = {
    deploy: await lateness(emu, "jobs", "/command/deploy"),
    plan: await lateness(emu, "plan_jobs", "/command/plan_run"),
  };
  for (const [what, ms] of Object.entries(late))
    assert.ok(ms <= BOUND_MS + SLACK_MS, `the ${what} was seen ${ms} ms after its end`);
  const again = await stack.up();
  outputs.push(again);
  assert.equal(again.code, 0, output(again));
  assert.equal(commandRequests(emu).length, EXPECTED_JOBS, "the second up starts nothing");
  return `success; ends seen after ${(late.deploy / 1000).toFixed(1)} s (deploy), ${(late.plan / 1000).toFixed(1)} s (plan)`;
}

describe("reliability: each behaviour of the events endpoints (late ≤ 5 s, no duplicate)", function () {
  this.timeout(10 * 60 * 1000);
  itEachSideBySide(MODES, (mode) => `events: ${mode}`, runMode, CONCURRENCY);
});
