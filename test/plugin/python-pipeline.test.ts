import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../support/emulator-stack";
import { repoRoot } from "../support/pulumi-cli";
import { peSdkVirtualenv } from "../support/python-venv";
import type { TestStack } from "../support/test-stack";

// examples/python-pipeline as a user runs it: its own files, a virtualenv with pulumi from PyPI and the generated
// SDK pulumi_pe (sdk/python), the real engine, the project's Python language host, this clone's provider plugin
// and the emulator over HTTPS.
const exampleDir = path.join(repoRoot, "examples", "python-pipeline");
const exampleFiles = Object.fromEntries(
  ["Pulumi.yaml", "__main__.py", "requirements.txt"].map((f) => [
    f,
    fs.readFileSync(path.join(exampleDir, f), "utf8"),
  ]),
);

const CODE_DEPLOY = "/code-manager/v1/deploys";
const DEPLOY = "/orchestrator/v1/command/deploy";
const PLAN_RUN = "/orchestrator/v1/command/plan_run";
const PRODUCTION = "482f8d3adc76b5197306c5d4c8aa32aa8315694b"; // the default world's production branch

/** What a program started: code deploys and orchestrator commands, in order. */
function started(emu: Emulator): string[] {
  return emu.requests
    .filter((r) => r.method === "POST" && (r.path === CODE_DEPLOY || r.path.includes("/command/")))
    .map((r) => r.path);
}

function okOrShow(result: { code: number; stdout: string; stderr: string }): string {
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return result.stdout;
}

describe("plugin: examples/python-pipeline (Python, pulumi_pe) through the real engine against the emulator", function () {
  this.timeout(10 * 60 * 1000); // the first run makes the virtualenv (pip install from PyPI)
  let emu: Emulator;
  let stack: TestStack;

  before(async () => {
    const started = Date.now();
    const venv = await peSdkVirtualenv();
    console.log(`      (python: virtualenv with pulumi_pe ready in ${Date.now() - started} ms)`);
    ({ emu, stack } = await emulatorStack({ project: "python-pipeline", plugin: true, files: exampleFiles }));
    // Pulumi.yaml names `venv` in the project folder, as a user's would be: the cached one stands in for it.
    fs.symlinkSync(venv, path.join(stack.dir, "venv"), "dir");
    await stack.setConfig("pe:codeManagerUrl", emu.url);
  });
  after(async () => {
    await stack?.remove();
    await emu?.stop();
  });

  it("up deploys the code, runs Puppet and the canary plan, and exports them", async () => {
    const up = await stack.up();
    console.log(`      (python: pulumi up ${up.elapsedMs} ms)`);
    okOrShow(up);
    assert.deepEqual(started(emu), [CODE_DEPLOY, DEPLOY, PLAN_RUN]);

    const out = JSON.parse(okOrShow(await stack.pulumi(["stack", "output", "--json"]))) as Record<
      string,
      unknown
    >;
    assert.equal(out.deployedCommit, PRODUCTION);
    assert.equal(out.codeDeployState, "complete");
    assert.match(String(out.deployJobId), /^\d+$/);
    assert.equal(out.deployState, "finished");
    // No scope: every node of production (the default world's offline node is in development).
    assert.deepEqual(out.deployNodeStates, { finished: 5 });
    assert.match(String(out.planJobId), /^\d+$/);
    assert.equal(out.planState, "success");
    const result = out.planResult as Array<Record<string, unknown>>;
    assert.deepEqual(
      result.map((r) => [r.target, r.object, r.status]),
      [
        ["node1.example.com", "whoami", "success"],
        ["node2.example.com", "whoami", "success"],
      ],
    );
    // One task job per canary step.
    assert.equal((out.planTaskJobIds as string[]).length, 2);
  });

  it("a second up changes nothing and starts no job (--expect-no-changes)", async () => {
    const before = started(emu).length;
    const up = await stack.up(["--expect-no-changes"]);
    console.log(`      (python: no-change pulumi up ${up.elapsedMs} ms)`);
    assert.match(okOrShow(up), /4 unchanged/);
    assert.equal(started(emu).length, before);
  });

  it("destroy forgets the jobs and starts nothing", async () => {
    const before = started(emu).length;
    okOrShow(await stack.destroy());
    assert.equal((await stack.exportState()).deployment.resources?.length ?? 0, 0);
    assert.equal(started(emu).length, before);
  });
});
