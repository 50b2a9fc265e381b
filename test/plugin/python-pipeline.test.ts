import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../support/emulator-stack";
import { repoRoot } from "../support/pulumi-cli";
import {
  assertPipelineOutputs,
  CODE_DEPLOY,
  DEPLOY,
  okOrShow,
  PLAN_RUN,
  started,
} from "./support/pipeline-checks";
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

describe("plugin: examples/python-pipeline (Python, pulumi_pe) through the real engine against the emulator", function () {
  this.timeout(10 * 60 * 1000); // the first run makes the virtualenv (pip install from PyPI)
  let emu: Emulator;
  let stack: TestStack;

  before(async () => {
    const venvStart = Date.now();
    const venv = await peSdkVirtualenv();
    console.log(`      (python: virtualenv with pulumi_pe ready in ${Date.now() - venvStart} ms)`);
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
    assertPipelineOutputs(out);
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
