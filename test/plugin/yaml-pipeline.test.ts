import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../support/emulator-stack";
import { repoRoot } from "../support/pulumi-cli";
import type { TestStack } from "../support/test-stack";
import {
  assertPipelineOutputs,
  CODE_DEPLOY,
  DEPLOY,
  okOrShow,
  PLAN_RUN,
  started,
  TASK,
} from "./support/pipeline-checks";

// examples/yaml-pipeline as a user runs it: its own Pulumi.yaml (runtime: yaml), the real engine, Pulumi YAML's
// language host, this clone's provider plugin (pulumi-resource-pe) and the emulator over HTTPS.
const example = path.join(repoRoot, "examples", "yaml-pipeline", "Pulumi.yaml");
const exampleYaml = fs.readFileSync(example, "utf8");
const project = /^name:\s*(\S+)/m.exec(exampleYaml)?.[1] ?? "";

/** A stack of the example (or of a variant of its Pulumi.yaml), configured for the emulator. */
async function yamlStack(yaml: string): Promise<{ emu: Emulator; stack: TestStack }> {
  const made = await emulatorStack({ project, plugin: true, files: { "Pulumi.yaml": yaml } });
  await made.stack.setConfig("pe:codeManagerUrl", made.emu.url);
  return made;
}

describe("plugin: examples/yaml-pipeline (Pulumi YAML) through the real engine against the emulator", function () {
  this.timeout(10 * 60 * 1000);
  let emu: Emulator;
  let stack: TestStack;

  before(async () => {
    assert.equal(project, "yaml-pipeline");
    ({ emu, stack } = await yamlStack(exampleYaml));
  });
  after(async () => {
    await stack?.remove();
    await emu?.stop();
  });

  it("preview starts nothing; up deploys the code, runs Puppet, the task and the canary plan, and exports them", async () => {
    const shown = okOrShow(await stack.preview());
    assert.match(shown, /pe:index:PlanRun\s+canary\s+create/);
    assert.match(
      shown,
      /no scope \(nodes, query, nodeGroup\): this deploys every node of environment "production"/,
    );
    assert.deepEqual(started(emu), []);

    const up = await stack.up();
    console.log(`      (yaml: pulumi up ${up.elapsedMs} ms)`);
    okOrShow(up);
    assert.deepEqual(started(emu), [CODE_DEPLOY, DEPLOY, TASK, PLAN_RUN]);
    const out = await stack.outputs();
    assertPipelineOutputs(out);
    assert.match(String(out.taskJobId), /^\d+$/);
    assert.equal(out.taskState, "finished");
    assert.deepEqual(out.taskNodeStates, { finished: 2 });
  });

  it("a second up changes nothing and starts no job (--expect-no-changes)", async () => {
    const before = started(emu).length;
    const up = await stack.up(["--expect-no-changes"]);
    console.log(`      (yaml: no-change pulumi up ${up.elapsedMs} ms)`);
    assert.match(okOrShow(up), /5 unchanged/);
    assert.equal(started(emu).length, before);
  });

  it("refresh reads the jobs back and finds them unchanged, starting nothing", async () => {
    const before = started(emu).length;
    const refresh = await stack.refresh(["--expect-no-changes"]);
    okOrShow(refresh);
    assert.equal(started(emu).length, before);
    okOrShow(await stack.up(["--expect-no-changes"]));
  });

  it("destroy forgets the jobs (a finished job cannot be undone) and starts nothing", async () => {
    const before = started(emu).length;
    okOrShow(await stack.destroy());
    assert.equal((await stack.exportState()).deployment.resources?.length ?? 0, 0);
    assert.equal(started(emu).length, before);
  });
});

describe("plugin: a YAML program with a mistake fails before any job, naming it", function () {
  this.timeout(5 * 60 * 1000);
  const made: Array<{ emu: Emulator; stack: TestStack }> = [];

  after(async () => {
    for (const { emu, stack } of made) {
      await stack.remove();
      await emu.stop();
    }
  });

  /** preview and up of the variant both fail with `expected`, and the emulator saw no code deploy and no command. */
  async function failsNaming(yaml: string, ...expected: RegExp[]): Promise<void> {
    const one = await yamlStack(yaml);
    made.push(one);
    for (const run of [() => one.stack.preview(), () => one.stack.up()]) {
      const result = await run();
      assert.notEqual(result.code, 0, result.stdout + result.stderr);
      for (const pattern of expected) assert.match(result.stdout + result.stderr, pattern);
    }
    assert.deepEqual(started(one.emu), []);
    // The failed run records the stack itself and nothing of pe.
    const types = ((await one.stack.exportState()).deployment.resources ?? []).map((r) => r.type);
    assert.deepEqual(
      types.filter((t) => t !== "pulumi:pulumi:Stack"),
      [],
    );
  }

  it("a misspelt property (planNam) is YAML's own schema error naming it", async () => {
    const yaml = exampleYaml.replace("planName: canary", "planNam: canary");
    assert.notEqual(yaml, exampleYaml);
    // Pulumi YAML checks the program against the provider's schema before it registers anything.
    await failsNaming(
      yaml,
      /pe:index:PlanRun is not assignable from \{planNam: string/,
      /planName: Missing required property 'planName'/,
    );
  });

  it("a resource type that does not exist (pe:index:PlanRunn) fails naming it", async () => {
    const yaml = exampleYaml.replace("type: pe:index:PlanRun\n", "type: pe:index:PlanRunn\n");
    assert.notEqual(yaml, exampleYaml);
    await failsNaming(
      yaml,
      /unable to find resource type "pe:index:PlanRunn" in resource provider "pe"/,
      /on Pulumi\.yaml line \d+/,
    );
  });
});
