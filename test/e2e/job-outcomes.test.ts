import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { adminClient, commandRequests, emulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor } from "../support/faces";
import type { TestStack } from "../support/test-stack";

// Failing jobs, waits that outlive their deadline, refresh and adopting an existing job: one program whose
// resources are chosen by config, run through the real engine against the emulator.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

const config = new pulumi.Config("case");
const failOnJobFailure = config.getBoolean("failOnJobFailure");
switch (config.require("name")) {
  case "failing-deploy": {
    // node3 fails its Puppet run in the development environment of the default world.
    const d = new EnvironmentDeploy("dev", {
      environment: "development",
      nodes: ["node1.example.com", "node3.example.com"],
      failOnJobFailure,
    });
    const p = new PlanRun("fail", { planName: "demo::fail", failOnJobFailure });
    module.exports = { deployState: d.state, failedNodes: d.nodeResults, planState: p.state, planError: p.error };
    break;
  }
  case "deadline": {
    const d = new EnvironmentDeploy("slow", {
      environment: "production",
      nodes: ["node1.example.com", "node2.example.com"],
      waitTimeoutSeconds: 1,
    });
    module.exports = { state: d.state };
    break;
  }
  case "adopt": {
    const d = new EnvironmentDeploy("adopted", {
      environment: "production",
      nodes: ["node4.example.com"],
      importJobId: config.require("jobId"),
    });
    module.exports = { jobId: d.jobId, state: d.state };
    break;
  }
}
`;

forEachFace((face) =>
  describe(`job outcomes through the real engine: failures, deadlines, refresh, adoption (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;

    // Puppet runs take 30 world seconds: 1.5 s at this time scale, longer than the 1 s wait deadline.
    before(async () => {
      ({ emu, stack } = await emulatorStack({
        project: "outcomes",
        files: { "index.ts": programFor(face, program) },
        emulator: { timeScale: 20 },
        ...stackOptionsFor(face),
      }));
    });

    after(async () => {
      await stack?.remove();
      await emu?.stop();
    });

    it("a failing job fails `up` with the job id, state, failed nodes and URL, and is recorded", async () => {
      await stack.setConfig("case:name", "failing-deploy");
      const up = await stack.up();
      assert.notEqual(up.code, 0, up.stdout);
      const deployJob = /EnvironmentDeploy job (\d+) failed \(state failed\)/.exec(up.stdout);
      assert.ok(deployJob, up.stdout);
      assert.match(up.stdout, /failed nodes: node3\.example\.com/);
      assert.match(up.stdout, new RegExp(`${emu.apiUrl}/jobs/${deployJob[1]}`));
      assert.match(up.stdout, /PlanRun plan job \d+ failed \(state failure\): plan error bolt\/run-failure/);
      const state = await stack.exportState();
      const recorded = (state.deployment.resources ?? []).find((r) => r.type.endsWith("EnvironmentDeploy"));
      assert.equal(recorded?.id, deployJob[1], "the failed job is in state, not lost");
    });

    it("the next `up` starts no new job and still reports the failure", async () => {
      const before = commandRequests(emu).length;
      const up = await stack.up();
      assert.notEqual(up.code, 0);
      assert.match(up.stdout, /had failed \(state (failed|failure)\)/);
      assert.equal(commandRequests(emu).length, before);
    });

    it("with failOnJobFailure: false the outcome is recorded in `state` and `up` succeeds", async () => {
      await stack.destroy();
      await stack.setConfig("case:failOnJobFailure", "false");
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const outputs = await stack.outputs();
      assert.equal(outputs.deployState, "failed");
      assert.equal(outputs.planState, "failure");
      assert.deepEqual((outputs.planError as { kind: string }).kind, "bolt/run-failure");
      const failed = (outputs.failedNodes as Array<{ name: string; state: string }>).filter(
        (n) => n.state === "failed",
      );
      assert.deepEqual(
        failed.map((n) => n.name),
        ["node3.example.com"],
      );
    });

    it("a job that outlives waitTimeoutSeconds is stopped and `up` says so; refresh then reads its final state", async () => {
      await stack.destroy();
      await stack.pulumiOk(["config", "rm", "case:failOnJobFailure"]);
      await stack.setConfig("case:name", "deadline");
      const up = await stack.up();
      assert.notEqual(up.code, 0, up.stdout);
      assert.match(up.stdout, /did not finish before the wait deadline/);
      assert.match(up.stdout, /the job was stopped/);
      assert.match(up.stdout, /waitTimeoutSeconds: 1/);
      assert.ok(commandRequests(emu).includes("/orchestrator/v1/command/stop"), "the job was stopped in PE");

      // The running Puppet runs finish after the stop, so the job moves from stopping to stopped.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const refresh = await stack.refresh();
      assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
      const state = await stack.exportState();
      const recorded = (state.deployment.resources ?? []).find((r) => r.type.endsWith("EnvironmentDeploy"));
      assert.equal(recorded?.outputs?.state, "stopped");
    });

    it("importJobId adopts a job started outside Pulumi without starting another", async () => {
      await stack.destroy();
      const client = adminClient(emu);
      const created = await client.deploy({
        environment: "production",
        scope: { nodes: ["node4.example.com"] },
      });
      client.close();
      const before = commandRequests(emu).length;
      await stack.setConfig("case:name", "adopt");
      await stack.setConfig("case:jobId", created.job.name);
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.deepEqual(await stack.outputs(), { jobId: created.job.name, state: "finished" });
      assert.equal(commandRequests(emu).length, before, "adopting starts no job");
    });
  }),
);
