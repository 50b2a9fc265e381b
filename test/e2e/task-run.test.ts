import * as assert from "node:assert/strict";
import { defaultWorld, type Emulator } from "../../emulator";
import { killUpWhen, recoverAfterCrash } from "../reliability/support/crash-recovery";
import { adminClient, commandRequests, emulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor, typePattern } from "../support/faces";
import type { TestStack } from "../support/test-stack";

// TaskRun and the whole-environment EnvironmentDeploy through the real engine against the emulator over HTTPS.
// One program, its resources picked by config, one emulator and stack for the whole file.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, TaskRun } from "pulumi-pe-orchestrator";

const config = new pulumi.Config("case");
const failOnJobFailure = config.getBoolean("failOnJobFailure");
switch (config.require("name")) {
  case "package": {
    const t = new TaskRun("pkg", {
      task: "package",
      params: { action: config.get("action") ?? "status", name: "openssl" },
      nodes: ["node1.example.com", "node2.example.com"],
      description: config.get("description") ?? "first",
    });
    module.exports = { jobId: t.jobId, jobUrl: t.jobUrl, state: t.state, nodeCount: t.nodeCount,
      nodeStates: t.nodeStates, nodeResults: t.nodeResults, truncated: t.nodeResultsTruncated, owner: t.owner };
    break;
  }
  case "echo": {
    // demo::echo prints its message and fails on node3; the message is a secret.
    const t = new TaskRun("echo", {
      task: "demo::echo",
      params: { message: config.requireSecret("message") },
      nodes: ["node1.example.com", "node3.example.com"],
      failOnJobFailure,
    });
    module.exports = { state: t.state, nodeResults: t.nodeResults, nodeStates: t.nodeStates };
    break;
  }
  case "adopt": {
    const t = new TaskRun("adopted", {
      task: "package",
      params: { action: "status", name: "openssl" },
      nodes: ["node4.example.com"],
      importJobId: config.require("jobId"),
    });
    module.exports = { jobId: t.jobId, state: t.state, nodeResults: t.nodeResults };
    break;
  }
  case "deadline": {
    const t = new TaskRun("sleep", { task: "demo::sleep", nodes: ["node5.example.com"], waitTimeoutSeconds: 1 });
    module.exports = { state: t.state };
    break;
  }
  case "crash": {
    const t = new TaskRun("crashy", { task: "demo::sleep", nodes: ["node5.example.com"] });
    module.exports = { jobId: t.jobId, state: t.state };
    break;
  }
  case "whole": {
    const d = new EnvironmentDeploy("production", { environment: "production" });
    module.exports = { jobId: d.jobId, state: d.state, nodeCount: d.nodeCount, nodeStates: d.nodeStates };
    break;
  }
}
`;

const TASK = "/orchestrator/v1/command/task";

forEachFace((face) =>
  describe(`TaskRun and whole-environment deploys through the real engine (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;

    before(async () => {
      // The default world plus a task that runs ten minutes (6 s at this time scale), for the wait deadline.
      const world = {
        ...defaultWorld,
        tasks: [...(defaultWorld.tasks ?? []), { name: "demo::sleep", seconds: 600 }],
      };
      ({ emu, stack } = await emulatorStack({
        project: "tasks",
        files: { "index.ts": programFor(face, program) },
        emulator: { world },
        ...stackOptionsFor(face),
      }));
      await stack.setConfig("case:name", "package");
    });

    after(async () => {
      await stack?.remove();
      await emu?.stop();
    });

    it("preview shows the TaskRun and sends no command; up runs one task job and records each node's output", async () => {
      const preview = await stack.preview();
      assert.equal(preview.code, 0, preview.stdout + preview.stderr);
      assert.match(preview.stdout, new RegExp(`\\+\\s+${typePattern(face, "TaskRun")}\\s+pkg\\s+create`));
      assert.deepEqual(commandRequests(emu), []);

      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(
        up.stdout,
        /TaskRun\s+pkg\s+creating \(\d+s\) TaskRun: task job \d+ (new|running|finished)/,
      );
      const outputs = await stack.outputs();
      assert.match(String(outputs.jobId), /^\d+$/);
      assert.equal(outputs.jobUrl, `${emu.apiUrl}/jobs/${outputs.jobId}`);
      assert.equal(outputs.state, "finished");
      assert.equal(outputs.nodeCount, 2);
      assert.deepEqual(outputs.nodeStates, { finished: 2 });
      assert.equal(outputs.truncated, false);
      assert.equal(outputs.owner, "admin");
      const results = outputs.nodeResults as Array<{ name: string; state: string; result: unknown }>;
      assert.deepEqual(results.map((n) => [n.name, n.state]).sort(), [
        ["node1.example.com", "finished"],
        ["node2.example.com", "finished"],
      ]);
      for (const n of results) assert.deepEqual(n.result, { status: "up to date", version: "1.0.2k-19.el7" });
      assert.deepEqual(commandRequests(emu), [TASK]);

      // What reached PE: the task, the params verbatim, the scope; no environment (PE's default) was filled in.
      const client = adminClient(emu);
      const job = await client.getJob(String(outputs.jobId));
      client.close();
      assert.equal(job.type, "task");
      const options = job.options as Record<string, unknown>;
      assert.equal(options.task, "package");
      assert.deepEqual(options.params, { action: "status", name: "openssl" });
      assert.deepEqual(options.scope, { nodes: ["node1.example.com", "node2.example.com"] });
    });

    it("a second up changes nothing and starts no job", async () => {
      const before = commandRequests(emu).length;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /2 unchanged/);
      assert.equal(commandRequests(emu).length, before);
    });

    it("description updates in place; a params change replaces it with exactly one new task job", async () => {
      const before = commandRequests(emu).length;
      const first = await stack.outputs();
      await stack.setConfig("case:description", "second");
      let up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /TaskRun\s+pkg\s+updated/);
      assert.equal(commandRequests(emu).length, before, "an in-place update starts no job");

      await stack.setConfig("case:action", "install");
      up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /TaskRun\s+pkg\s+replaced/);
      assert.deepEqual(commandRequests(emu).slice(before), [TASK]);
      const second = await stack.outputs();
      assert.notEqual(second.jobId, first.jobId);
      assert.equal(second.state, "finished");
    });

    it("a failed node fails up naming the job, the node and its error; the job is recorded", async () => {
      assert.equal((await stack.destroy()).code, 0);
      await stack.setConfig("case:name", "echo");
      await stack.setConfig("case:message", "the-secret-recipe", { secret: true });
      const before = commandRequests(emu).length;
      const up = await stack.up();
      assert.notEqual(up.code, 0, up.stdout);
      const failed =
        /TaskRun task job (\d+) failed \(state failed\): nodes: [^\n]*failed nodes: node3\.example\.com \(The task failed on node3\.example\.com\)/.exec(
          up.stdout,
        );
      assert.ok(failed, up.stdout);
      assert.match(up.stdout, new RegExp(`Job URL: ${emu.apiUrl}/jobs/${failed[1]}`));
      assert.deepEqual(commandRequests(emu).slice(before), [TASK]);
      const recorded = (await stack.exportState()).deployment.resources?.find((r) =>
        r.type.endsWith(":TaskRun"),
      );
      assert.equal(recorded?.id, failed[1], "the failed job is in state, not lost");
      // node1's output echoes the secret message: recorded with a failed create, it must stay encrypted too.
      const nodeResults = recorded?.outputs?.nodeResults;
      assert.ok(
        nodeResults && typeof nodeResults === "object" && "ciphertext" in nodeResults,
        JSON.stringify(nodeResults),
      );
      assert.equal(
        JSON.stringify(await stack.exportState()).includes("the-secret-recipe"),
        false,
        "secret in state",
      );

      const again = await stack.up();
      assert.notEqual(again.code, 0);
      assert.match(again.stdout, /had failed \(state failed\)/);
      assert.deepEqual(commandRequests(emu).slice(before), [TASK], "no second job");
    });

    it("with failOnJobFailure: false the outcome is recorded: the failed node carries _error, others their output", async () => {
      assert.equal((await stack.destroy()).code, 0);
      await stack.setConfig("case:failOnJobFailure", "false");
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const outputs = await stack.outputs();
      assert.equal(outputs.state, "failed");
      assert.deepEqual(outputs.nodeStates, { finished: 1, failed: 1 });
      const [first, second] = outputs.nodeResults as Array<{ name: string; state: string; result: unknown }>;
      // Failed nodes come first.
      assert.equal(first.name, "node3.example.com");
      assert.equal(first.state, "failed");
      assert.deepEqual(first.result, {
        _error: {
          msg: "The task failed on node3.example.com",
          kind: "puppetlabs.tasks/task-error",
          details: { exitcode: 1 },
        },
      });
      assert.deepEqual(second.result, { output: "the-secret-recipe\n" });
    });

    it("a secret param keeps the task's output secret in state and in stack outputs", async () => {
      const state = JSON.stringify(await stack.exportState());
      assert.equal(state.includes("the-secret-recipe"), false, "secret in state");
      const shown = await stack.pulumiOk(["stack", "output", "--json"]);
      assert.equal(shown.stdout.includes("the-secret-recipe"), false);
      assert.match(shown.stdout, /"nodeResults": "\[secret\]"/);
    });

    it("refresh reads the task job's record again and keeps its output secret", async () => {
      const before = await stack.outputs();
      const refresh = await stack.refresh();
      assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
      assert.deepEqual(await stack.outputs(), before);
      assert.equal(
        JSON.stringify(await stack.exportState()).includes("the-secret-recipe"),
        false,
        "secret in state",
      );
    });

    it("importJobId adopts a task job started outside Pulumi without starting another", async () => {
      assert.equal((await stack.destroy()).code, 0);
      const client = adminClient(emu);
      const created = await client.task({
        task: "package",
        params: { action: "status", name: "openssl" },
        scope: { nodes: ["node4.example.com"] },
      });
      client.close();
      const before = commandRequests(emu).length;
      await stack.setConfig("case:name", "adopt");
      await stack.setConfig("case:jobId", created.job.name);
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const outputs = await stack.outputs();
      assert.equal(outputs.jobId, created.job.name);
      assert.equal(outputs.state, "finished");
      assert.deepEqual((outputs.nodeResults as Array<{ result: unknown }>)[0].result, {
        status: "up to date",
        version: "1.0.2k-19.el7",
      });
      assert.equal(commandRequests(emu).length, before, "adopting starts no job");
    });

    it("a task job that outlives waitTimeoutSeconds is stopped in PE and up says so", async () => {
      assert.equal((await stack.destroy()).code, 0);
      await stack.setConfig("case:name", "deadline");
      const before = commandRequests(emu).length;
      const up = await stack.up();
      assert.notEqual(up.code, 0, up.stdout);
      assert.match(up.stdout, /TaskRun: .*did not finish before the wait deadline/);
      assert.match(up.stdout, /waitTimeoutSeconds: 1/);
      assert.deepEqual(commandRequests(emu).slice(before), [TASK, "/orchestrator/v1/command/stop"]);
    });

    it("after up is killed mid-job, the next up takes the task job that ran instead of starting another", async () => {
      assert.equal((await stack.destroy()).code, 0);
      await stack.setConfig("case:name", "crash");
      const client = adminClient(emu);
      const taskJobs = async () => (await client.listJobs({ type: "task" })).items.length;
      const before = await taskJobs();
      await killUpWhen(stack, async () => (await taskJobs()) === before + 1);
      const up = await recoverAfterCrash(stack);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /TaskRun: took task job \d+, started by an interrupted run/);
      assert.equal(await taskJobs(), before + 1, "no second job");
      const newest = (await client.listJobs({ type: "task", order_by: "timestamp", order: "desc", limit: 1 }))
        .items[0];
      client.close();
      assert.deepEqual(await stack.outputs(), { jobId: newest.name, state: "finished" });
    });

    it("an EnvironmentDeploy without scope: preview warns on its row naming the environment; up deploys every node", async () => {
      assert.equal((await stack.destroy()).code, 0);
      await stack.setConfig("case:name", "whole");
      const before = commandRequests(emu).length;
      const preview = await stack.preview();
      assert.equal(preview.code, 0, preview.stdout + preview.stderr);
      assert.match(
        preview.stdout,
        /EnvironmentDeploy \(production\):\n(?: {4}.*\n)*? {4}warning: EnvironmentDeploy: no scope \(nodes, query, nodeGroup\): this deploys every node of environment "production"/,
      );
      // On the resource's own row, not only in the diagnostics.
      assert.match(
        preview.stdout,
        new RegExp(
          `\\+\\s+${typePattern(face, "EnvironmentDeploy")}\\s+production\\s+create\\s+warning: EnvironmentDeploy: no scope`,
        ),
      );
      assert.equal(commandRequests(emu).length, before, "preview sends no command");

      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const outputs = await stack.outputs();
      assert.equal(outputs.state, "finished");
      // The default world's production agents: node1..node5 (node4 reports changes, which is still `finished`).
      assert.equal(outputs.nodeCount, 5);
      assert.deepEqual(outputs.nodeStates, { finished: 5 });
      const client = adminClient(emu);
      const job = await client.getJob(String(outputs.jobId));
      client.close();
      const options = job.options as Record<string, unknown>;
      assert.deepEqual(options.scope, { whole_environment: true }, "sent without scope, as PE documents");
      assert.equal(options.environment, "production");

      // A no-change preview starts nothing and does not warn again: no job would run.
      const again = await stack.preview();
      assert.equal(again.code, 0);
      assert.doesNotMatch(again.stdout, /deploys every node/);
    });
  }),
);
