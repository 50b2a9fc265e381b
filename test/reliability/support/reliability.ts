import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultWorld, type Emulator, type WorldInput } from "../../../emulator";
import { adminClient } from "../../support/emulator-stack";
import { record } from "../../support/scoreboard";
import type { CommandResult, TestStack } from "../../support/test-stack";

/** The default world plus `ops`, a superuser with two tokens (one to expire, one to swap in). */
export const reliabilityWorld: WorldInput = {
  ...defaultWorld,
  plans: [
    ...(defaultWorld.plans ?? []),
    { name: "demo::long", seconds: 60, result: "done" },
    {
      name: "demo::quick",
      parameters: { n: { type: "Integer" } },
      seconds: 1,
      result: { n: "{{params.n}}" },
    },
    {
      name: "demo::flaky",
      parameters: { n: { type: "Integer" } },
      seconds: 1,
      error: { kind: "demo/flaky", msg: "plan {{params.n}} failed on purpose" },
    },
  ],
  users: [
    ...(defaultWorld.users ?? []),
    {
      login: "ops",
      tokens: [{ token: "ops-token-1" }, { token: "ops-token-2" }, { token: "ops-token-3" }],
      permissions: { superuser: true },
    },
  ],
};

/** Jobs and plan jobs the orchestrator holds, counted through its API (a lost answer still counts). */
export async function countJobs(emu: Emulator): Promise<{ jobs: number; planJobs: number; total: number }> {
  const client = adminClient(emu);
  try {
    const jobs = (await client.listJobs()).items.length;
    const planJobs = (await client.listPlanJobs({ results: "exclude" })).items.length;
    return { jobs, planJobs, total: jobs + planJobs };
  } finally {
    client.close();
  }
}

/** Commands the orchestrator accepted (2xx answers to POSTs under /command/ other than stops). */
export function acceptedCommands(emu: Emulator): string[] {
  return emu.requests
    .filter((r) => r.method === "POST" && /\/command\/(deploy|plan_run|task)$/.test(r.path))
    .filter((r) => r.status >= 200 && r.status < 300)
    .map((r) => r.path);
}

/** How many times any of the tokens occurs in the texts. */
export function countSecrets(tokens: readonly string[], ...texts: string[]): number {
  let found = 0;
  for (const text of texts) {
    for (const token of tokens) if (token) found += text.split(token).length - 1;
  }
  return found;
}

/** The exported state and the local backend's files, as one text to search for tokens. */
export async function stateText(stack: TestStack): Promise<string> {
  const stateDir = path.join(stack.dir, ".state");
  const files = fs
    .readdirSync(stateDir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(stateDir, f))
    .filter((f) => fs.statSync(f).isFile());
  const exported = await stack.pulumi(["stack", "export"]);
  return [exported.stdout, ...files.map((f) => fs.readFileSync(f, "utf8"))].join("\n");
}

export const output = (result: CommandResult): string => result.stdout + result.stderr;

/** `pulumi up` in the background, with a way to wait for its end. */
export function upInBackground(stack: TestStack, extra: string[] = []): { done: Promise<CommandResult> } {
  const started = Date.now();
  const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", ...extra], {
    cwd: stack.dir,
    env: stack.environment(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CommandResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout, stderr, elapsedMs: Date.now() - started }),
    );
  });
  return { done };
}

/** Polls `ready` every 20 ms until it holds (or fails after `ms`). */
export async function waitUntil(ready: () => boolean | Promise<boolean>, what: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What a scenario leaves to be scored: its emulator, its stack and the output of every command it ran. */
export interface ScenarioRun {
  emu: Emulator;
  stack: TestStack;
  outputs: CommandResult[];
}

/**
 * Runs one scenario and scores it on the scoreboard: its outcome, the jobs the orchestrator holds, and how often a
 * token shows in the commands' output or the state. A scenario that succeeded must have started exactly
 * `expectedJobs` and shown no token. The stack and emulator are removed whatever happens; the scenario's own
 * failure is rethrown after its row is recorded.
 */
export async function scoreScenario(
  name: string,
  run: ScenarioRun,
  scenario: () => Promise<string>,
  options: { expectedJobs: number; tokens?: readonly string[] },
): Promise<void> {
  let outcome = "not run";
  let failure: unknown;
  try {
    outcome = await scenario();
  } catch (error) {
    failure = error;
    outcome = `FAILED: ${(error as Error).message.split("\n")[0].slice(0, 60)}`;
  }
  try {
    const jobs = (await countJobs(run.emu)).total;
    const tokens = [run.emu.adminToken, ...(options.tokens ?? [])];
    const secrets = countSecrets(tokens, ...run.outputs.map(output), await stateText(run.stack));
    record({
      scenario: name,
      outcome,
      jobsStarted: jobs,
      duplicates: Math.max(0, jobs - options.expectedJobs),
      secretsFound: secrets,
    });
    if (failure === undefined) {
      assert.equal(jobs, options.expectedJobs, "one job per resource, no duplicate");
      assert.equal(secrets, 0, "a token in state or output");
    }
  } finally {
    await run.stack.remove();
    await run.emu.stop();
  }
  if (failure !== undefined) throw failure;
}

/**
 * One `it` per scenario, the scenarios run side by side, `concurrency` at a time, in a `before` hook (each mostly
 * waits on processes and timers). Call inside a `describe`.
 */
export function itEachSideBySide<T>(
  scenarios: readonly T[],
  title: (scenario: T) => string,
  run: (scenario: T) => Promise<void>,
  concurrency: number,
): void {
  const results = new Map<T, Promise<void>>();
  before(async () => {
    const queue = [...scenarios];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const done = run(next);
          results.set(next, done);
          await done.catch(() => undefined);
        }
      }),
    );
  });
  for (const scenario of scenarios) {
    it(title(scenario), async () => {
      await results.get(scenario);
    });
  }
}
