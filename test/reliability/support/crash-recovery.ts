import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import type { TestStack } from "../../support/test-stack";

// Killing `pulumi up` mid-create, and recovering as the engine asks: shared by the crash tests of every resource.

/** Starts `pulumi up` in its own process group and kills the whole group once `ready()` holds. */
export async function killUpWhen(stack: TestStack, ready: () => boolean | Promise<boolean>): Promise<void> {
  const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
    cwd: stack.dir,
    env: stack.environment(),
    stdio: "ignore",
    detached: true,
  });
  const deadline = Date.now() + 60_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error("the job never started");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.kill(-child.pid!, "SIGKILL");
  killProcessesIn(stack.dir); // the provider and language host may run in process groups of their own
  await new Promise((resolve) => child.on("close", resolve));
}

/** SIGKILLs every process whose working directory is `dir` (the engine starts its plugins there). */
function killProcessesIn(dir: string): void {
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/cwd`) === dir) process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone already, or not ours to read
    }
  }
}

/**
 * What a user does after a crashed `up`, as the engine asks: remove the dead run's lock (`pulumi cancel`),
 * clear the create it left pending (`refresh --clear-pending-creates`), then `up` again.
 */
export async function recoverAfterCrash(stack: TestStack) {
  const cancel = await stack.pulumi(["cancel", "--yes"]);
  assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
  const refresh = await stack.pulumi(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
  assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
  return stack.up();
}
