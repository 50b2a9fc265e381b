import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../../emulator";
import { commandRequests } from "../support/emulator-stack";
import { repoRoot } from "../support/pulumi-cli";
import { TestStack } from "../support/test-stack";

// Each example under examples/ as a user runs it: its own files, the real engine, the emulator over HTTPS.

/** The example's program files (not its README, nor a node_modules a user may have installed there). */
function exampleFiles(name: string): Record<string, string> {
  const dir = path.join(repoRoot, "examples", name);
  const files: Record<string, string> = {};
  for (const file of ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]) {
    files[file] = fs.readFileSync(path.join(dir, file), "utf8");
  }
  return files;
}

async function exampleStack(emu: Emulator, name: string, env?: Record<string, string>): Promise<TestStack> {
  const stack = await TestStack.create({ project: name, files: exampleFiles(name), env });
  await stack.setConfig("pe:serviceUrl", emu.url);
  await stack.setConfig("pe:cacert", emu.caFile);
  await stack.setConfig("pe:token", emu.adminToken, { secret: true });
  await stack.setConfig("pe:codeManagerUrl", emu.url);
  return stack;
}

/** `pulumi up`; with `typeCheck`, ts-node type-checks the program as it does for users (the harness skips that). */
async function upOk(stack: TestStack, options: { typeCheck?: boolean } = {}): Promise<string> {
  const env: Record<string, string> = options.typeCheck ? { PULUMI_NODEJS_TRANSPILE_ONLY: "false" } : {};
  const up = await stack.pulumi(["up", "--yes", "--skip-preview"], env);
  assert.equal(up.code, 0, up.stdout + up.stderr);
  return up.stdout;
}

async function destroyOk(stack: TestStack): Promise<void> {
  const destroy = await stack.destroy();
  assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
  assert.equal((await stack.exportState()).deployment.resources?.length ?? 0, 0);
}

const CODE_DEPLOY = "/code-manager/v1/deploys";
const DEPLOY = "/orchestrator/v1/command/deploy";
const PLAN_RUN = "/orchestrator/v1/command/plan_run";

/** What a pipeline starts: code deploys and orchestrator commands, in order. */
function pipelineRequests(emu: Emulator): string[] {
  return emu.requests
    .filter((r) => r.method === "POST" && (r.path === CODE_DEPLOY || r.path.includes("/command/")))
    .map((r) => r.path);
}

const canaryNodes = ["node1.example.com", "node2.example.com"];
/** Bolt's canary ResultSet as the emulator returns it: the command succeeded on every node. */
const canaryResult = canaryNodes.map((target) => ({
  target,
  action: "command",
  object: "hostname",
  status: "success",
  value: { stdout: "", stderr: "", merged_output: "", exit_code: 0 },
}));

describe("examples: each example project through the real engine against the emulator", function () {
  this.timeout(5 * 60 * 1000);
  let emu: Emulator;
  const stacks: TestStack[] = [];

  before(async () => {
    emu = await startEmulator({ quiet: true, timeScale: 1000 });
  });

  after(async () => {
    // Newest first: the stack-reference project lives in the plan-after-nodes project's backend folder.
    for (const stack of stacks.reverse()) await stack.remove();
    await emu?.stop();
  });

  it("deploy-on-commit: a new control-repo commit is one code deploy, one Puppet run and one check", async () => {
    const stack = await exampleStack(emu, "deploy-on-commit");
    stacks.push(stack);
    const first = "482f8d3adc76b5197306c5d4c8aa32aa8315694b"; // the default world's production branch
    await stack.setConfig("deploy-on-commit:commit", first);
    const sent = () => pipelineRequests(emu).length;
    await upOk(stack, { typeCheck: true });
    assert.deepEqual(pipelineRequests(emu), [CODE_DEPLOY, DEPLOY, PLAN_RUN]);
    const one = await stack.outputs();
    assert.equal(one.deployedCommit, first);
    assert.equal(one.codeDeployState, "complete");
    assert.equal(one.state, "finished");
    assert.deepEqual(one.nodeStates, { finished: 2 });
    assert.equal(one.checkState, "success");

    const before = sent();
    assert.match(await upOk(stack), /4 unchanged/);
    assert.equal(sent(), before, "same commit: nothing runs");

    // A push moves the branch; CI sets the new commit.
    const second = "5e1f0c2b9d8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e";
    emu.setBranch("production", second);
    try {
      await stack.setConfig("deploy-on-commit:commit", second);
      const log = await upOk(stack);
      assert.match(log, /CodeDeploy\s+code\s+replaced/);
      assert.match(log, /EnvironmentDeploy\s+deploy\s+replaced/);
      assert.deepEqual(pipelineRequests(emu).slice(before), [CODE_DEPLOY, DEPLOY, PLAN_RUN]);
      const two = await stack.outputs();
      assert.equal(two.deployedCommit, second);
      assert.notEqual(two.jobId, one.jobId);
      assert.equal(two.checkState, "success");
    } finally {
      emu.setBranch("production", first);
    }
    await destroyOk(stack);
  });

  let planStack: TestStack;

  it("plan-after-nodes: runs the plan on the pool's nodes and deploys to the plan's result", async () => {
    planStack = await exampleStack(emu, "plan-after-nodes");
    stacks.push(planStack);
    // In preview the pool's certnames are unknown: the plan shows as pending and nothing runs.
    const before = commandRequests(emu).length;
    const preview = await planStack.preview();
    assert.equal(preview.code, 0, preview.stdout + preview.stderr);
    assert.match(preview.stdout, /PlanRun\s+canary\s+create/);
    assert.equal(commandRequests(emu).length, before);
    await upOk(planStack, { typeCheck: true });
    const outputs = await planStack.outputs();
    assert.deepEqual(outputs.certnames, canaryNodes);
    assert.match(String(outputs.planJobId), /^\d+$/);
    assert.equal(outputs.planState, "success");
    assert.deepEqual(outputs.planResult, canaryResult);
    // One task job per canary step: node1 first, then node2.
    const taskJobIds = outputs.planTaskJobIds as string[];
    assert.equal(taskJobIds.length, 2);
    assert.match(String(outputs.rolloutJobId), /^\d+$/);
    assert.equal(outputs.rolloutState, "finished");
  });

  it("stack-reference: consumes plan-after-nodes' job outputs from the same backend", async () => {
    // A second project in the first one's backend, as two teams sharing one Pulumi backend would.
    const stack = await exampleStack(emu, "stack-reference", {
      PULUMI_BACKEND_URL: `file://${path.join(planStack.dir, ".state")}`,
    });
    stacks.push(stack);
    await upOk(stack, { typeCheck: true });
    const upstream = await planStack.outputs();
    const outputs = await stack.outputs();
    assert.equal(outputs.upstreamPlanJobId, upstream.planJobId);
    assert.equal(outputs.upstreamPlanState, "success");
    assert.deepEqual(outputs.upstreamPlanResult, canaryResult);
    assert.equal(outputs.deployState, "finished");

    await destroyOk(stack);
    await destroyOk(planStack);
  });
});
