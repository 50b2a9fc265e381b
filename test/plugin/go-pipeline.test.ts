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
import type { TestStack } from "../support/test-stack";

// examples/go-pipeline as a user runs it: its own files, the generated Go SDK (sdk/go) through go.mod's replace,
// the real engine, the project's Go language host (which builds the program), this clone's provider plugin and
// the emulator over HTTPS.
const exampleDir = path.join(repoRoot, "examples", "go-pipeline");
const sdkGo = path.join(repoRoot, "sdk", "go");

/** The example's files; the copy lives elsewhere, so go.mod's relative replace names this clone's sdk/go instead. */
function exampleFiles(): Record<string, string> {
  const files = Object.fromEntries(
    ["Pulumi.yaml", "main.go", "go.mod", "go.sum"].map((f) => [
      f,
      fs.readFileSync(path.join(exampleDir, f), "utf8"),
    ]),
  );
  const replaced = files["go.mod"].replace(/^(replace \S+ => )\.\.\/\.\.\/sdk\/go$/m, `$1${sdkGo}`);
  assert.notEqual(replaced, files["go.mod"], "go.mod replaces the SDK with ../../sdk/go");
  return { ...files, "go.mod": replaced };
}

describe("plugin: examples/go-pipeline (Go, the pe SDK) through the real engine against the emulator", function () {
  // Each run builds the program (go build): with a cold Go build cache the first takes minutes (10 on a busy
  // 2-core machine); test/e2e/language-hosts.test.ts, which runs before, warms it for the Pulumi SDK.
  this.timeout(15 * 60 * 1000);
  let emu: Emulator;
  let stack: TestStack;

  before(async () => {
    ({ emu, stack } = await emulatorStack({ project: "go-pipeline", plugin: true, files: exampleFiles() }));
    await stack.setConfig("pe:codeManagerUrl", emu.url);
  });
  after(async () => {
    await stack?.remove();
    await emu?.stop();
  });

  it("up builds the program, deploys the code, runs Puppet and the canary plan, and exports them", async () => {
    const up = await stack.up();
    console.log(`      (go: pulumi up ${up.elapsedMs} ms, with the build)`);
    okOrShow(up);
    assert.deepEqual(started(emu), [CODE_DEPLOY, DEPLOY, PLAN_RUN]);

    const out = await stack.outputs();
    assertPipelineOutputs(out);
    assert.equal((out.planTaskJobIds as string[]).length, 2);
  });

  it("a second up changes nothing and starts no job (--expect-no-changes)", async () => {
    const before = started(emu).length;
    const up = await stack.up(["--expect-no-changes"]);
    console.log(`      (go: no-change pulumi up ${up.elapsedMs} ms, with the build)`);
    assert.match(okOrShow(up), /4 unchanged/);
    assert.equal(started(emu).length, before);
  });

  it("destroy forgets the jobs and starts nothing", async () => {
    const before = started(emu).length;
    const destroy = await stack.destroy();
    console.log(`      (go: pulumi destroy ${destroy.elapsedMs} ms)`);
    okOrShow(destroy);
    assert.equal((await stack.exportState()).deployment.resources?.length ?? 0, 0);
    assert.equal(started(emu).length, before);
  });
});
