import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultWorld, type Emulator, type WorldInput } from "../../../emulator";
import { adminClient } from "../../support/emulator-stack";
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
