import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import type { OrchestratorClient } from "../../provider/pe";
import { adminClient, emulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor } from "../support/faces";
import type { TestStack } from "../support/test-stack";

// PlanRun and the task jobs a plan's steps start, through the real engine: the `taskJobIds` output, the running
// step on the resource's row, a deadline that stops the plan AND its running task job, and a failed step's error.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { PlanRun } from "pulumi-pe-orchestrator";

const config = new pulumi.Config("case");
switch (config.require("name")) {
  case "canary": {
    const p = new PlanRun("canary", {
      planName: "canary",
      params: { nodes: ["node1.example.com", "node2.example.com", "node5.example.com"], command: "uptime" },
    });
    module.exports = { planJobId: p.jobId, taskJobIds: p.taskJobIds, result: p.result };
    break;
  }
  case "deadline": {
    // One step: "sleep 3600" on node3, a task job that outlives both the wait and the plan's stop.
    const p = new PlanRun("sleeper", {
      planName: "demo::sleep",
      params: { targets: ["node3.example.com"] },
      waitTimeoutSeconds: 2,
    });
    module.exports = { state: p.state };
    break;
  }
  case "failing": {
    // The canary node is not connected: the rest is skipped and the plan fails.
    const p = new PlanRun("bad-canary", {
      planName: "canary",
      params: { nodes: ["offline.example.com", "node1.example.com"], command: "whoami" },
    });
    module.exports = { state: p.state };
    break;
  }
}
`;

forEachFace((face) =>
  describe(`PlanRun: plan steps as task jobs through the real engine (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;
    let client: OrchestratorClient;

    // A canary step (10 world seconds) takes 0.5 s at this scale; demo::sleep's hour takes 3 minutes.
    before(async () => {
      ({ emu, stack } = await emulatorStack({
        project: "plan-steps",
        files: { "index.ts": programFor(face, program) },
        emulator: { timeScale: 20 },
        ...stackOptionsFor(face),
      }));
      client = adminClient(emu);
    });

    after(async () => {
      client?.close();
      await stack?.remove();
      await emu?.stop();
    });

    it("a canary PlanRun outputs the task jobs of its steps and shows the running step while it waits", async () => {
      await stack.setConfig("case:name", "canary");
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const outputs = await stack.outputs();
      const ids = outputs.taskJobIds as string[];
      assert.equal(ids.length, 2, JSON.stringify(outputs));
      for (const id of ids) {
        const job = await client.getJob(id);
        assert.equal(job.type, "task");
        assert.equal(job.options?.plan_job, Number(outputs.planJobId));
      }
      assert.deepEqual(
        (await client.getJob(ids[1])).options?.scope,
        { nodes: ["node2.example.com", "node5.example.com"] },
        "the second step runs on the rest",
      );
      assert.match(
        up.stdout,
        /PlanRun: plan job \d+ running \(\d+s\); step [12]: command job \d+ on [12] nodes?/,
      );
      assert.equal((outputs.result as unknown[]).length, 3);
    });

    it("at waitTimeoutSeconds the plan and its running task job are stopped, and the error lists the job", async () => {
      await stack.destroy();
      await stack.setConfig("case:name", "deadline");
      const up = await stack.up();
      assert.notEqual(up.code, 0, up.stdout);
      assert.match(up.stdout, /did not finish before the wait deadline/);
      const stopped = /the job was stopped, and so were the task job it started and left running: (\d+)/.exec(
        up.stdout,
      );
      assert.ok(stopped, up.stdout);
      assert.match(up.stdout, /waitTimeoutSeconds: 2/);
      const job = await client.getJob(stopped[1]);
      assert.equal(job.state, "stopped", "stopped with force: its node run ended too");
      assert.equal(
        job.options?.scope && JSON.stringify(job.options.scope),
        '{"nodes":["node3.example.com"]}',
      );
      const planJob = await client.getPlanJob(String(job.options?.plan_job));
      assert.equal(planJob.state, "failure");
      assert.equal((planJob.result as { kind: string }).kind, "puppetlabs.orchestrator/plan-stopped");
    });

    it("a failed step's error names the step, the failed targets with their messages, and the skipped ones", async () => {
      await stack.destroy();
      await stack.setConfig("case:name", "failing");
      const up = await stack.up();
      assert.notEqual(up.code, 0, up.stdout);
      assert.match(up.stdout, /PlanRun plan job \d+ failed \(state failure\): plan error bolt\/run-failure/);
      assert.match(up.stdout, /failed step: run_command 'whoami'/);
      assert.match(
        up.stdout,
        /failed on 1: offline\.example\.com \(Error running command on offline\.example\.com: offline\.example\.com is not connected to the PCP broker\)/,
      );
      assert.match(up.stdout, /skipped 1: node1\.example\.com/);
      assert.match(up.stdout, /task jobs: \d+\./);
    });
  }),
);
