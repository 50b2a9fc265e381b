import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../support/emulator-stack";
import { record } from "../support/scoreboard";
import type { TestStack } from "../support/test-stack";
import { countJobs, countSecrets, output, reliabilityWorld, stateText } from "./support/reliability";

// 100 resources in one stack (50 deploys, 50 plan runs), `pulumi up --parallel 16` against the emulator: exactly
// one job each. With `load:failing` set, every tenth resource's job fails: exactly those error, the rest are
// recorded.
const COUNT = 100;
const program = `
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

const failing = new pulumi.Config("load").getBoolean("failing") ?? false;
for (let i = 0; i < ${COUNT}; i++) {
  const fails = failing && i % 10 === 0;
  if (i % 2 === 0) {
    // node3 fails its Puppet run in development.
    new EnvironmentDeploy(\`deploy-\${i}\`, fails
      ? { environment: "development", nodes: ["node3.example.com"] }
      : { environment: "production", nodes: [\`node\${(i % 5) + 1}.example.com\`], triggers: [i] });
  } else {
    new PlanRun(\`plan-\${i}\`, { planName: fails ? "demo::flaky" : "demo::quick", params: { n: i } });
  }
}
`;

const FAILING = Array.from({ length: COUNT }, (_, i) => i)
  .filter((i) => i % 10 === 0)
  .map((i) => (i % 2 === 0 ? `deploy-${i}` : `plan-${i}`));

interface Recorded {
  name: string;
  state: unknown;
}

async function recordedJobs(stack: TestStack): Promise<Recorded[]> {
  const state = await stack.exportState();
  return (state.deployment.resources ?? [])
    .filter((r) => /pe-orchestrator:(EnvironmentDeploy|PlanRun)$/.test(r.type))
    .map((r) => ({ name: r.urn.split("::").pop() ?? "", state: r.outputs?.state }));
}

describe("reliability: load (100 resources, --parallel 16)", function () {
  this.timeout(10 * 60 * 1000);
  let emu: Emulator;
  let stack: TestStack;

  beforeEach(async () => {
    ({ emu, stack } = await emulatorStack({
      project: "load",
      files: { "index.ts": program },
      emulator: { world: reliabilityWorld, timeScale: 1000 },
    }));
  });

  afterEach(async () => {
    await stack?.remove();
    await emu?.stop();
  });

  it("100 resources: all succeed, exactly 100 jobs, state consistent", async () => {
    const up = await stack.up(["--parallel", "16"]);
    const text = output(up);
    assert.equal(up.code, 0, text);
    const jobs = await countJobs(emu);
    const recorded = await recordedJobs(stack);
    const secrets = countSecrets([emu.adminToken], text, await stateText(stack));
    record({
      scenario: "load: 100 resources, --parallel 16",
      outcome: `success in ${(up.elapsedMs / 1000).toFixed(0)} s, ${recorded.length} recorded`,
      jobsStarted: jobs.total,
      duplicates: Math.max(0, jobs.total - COUNT),
      secretsFound: secrets,
    });
    assert.deepEqual(jobs, { jobs: COUNT / 2, planJobs: COUNT / 2, total: COUNT });
    assert.equal(recorded.length, COUNT);
    assert.deepEqual(
      recorded.filter((r) => r.state !== "finished" && r.state !== "success"),
      [],
    );
    assert.equal(secrets, 0);
    // Consistent: a second up changes nothing and starts nothing.
    const again = await stack.up(["--parallel", "16"]);
    assert.equal(again.code, 0, output(again));
    assert.equal((await countJobs(emu)).total, COUNT);
  });

  it("100 resources with 10% failing: exactly the failing ones error, the rest are recorded", async () => {
    await stack.setConfig("load:failing", "true");
    // Without --continue-on-error the engine stops scheduling new creates at the first failure (by design).
    const up = await stack.up(["--parallel", "16", "--continue-on-error"]);
    const text = output(up);
    assert.notEqual(up.code, 0, text);
    const jobs = await countJobs(emu);
    const recorded = await recordedJobs(stack);
    const failed = recorded
      .filter((r) => r.state !== "finished" && r.state !== "success")
      .map((r) => r.name)
      .sort();
    const secrets = countSecrets([emu.adminToken], text, await stateText(stack));
    // A resource's diagnostics may start with what preview said it will run on; the error follows.
    const erroredRows = [
      ...text.matchAll(/dynamic\/pe-orchestrator:\w+ \((\S+)\):\n(?: +(?!error:)[^\n]*\n)* +error:/g),
    ].map((m) => m[1]);
    record({
      scenario: "load: 100 resources, 10% of jobs failing",
      outcome: `${new Set(erroredRows).size} errored, ${recorded.length - failed.length} recorded ok`,
      jobsStarted: jobs.total,
      duplicates: Math.max(0, jobs.total - COUNT),
      secretsFound: secrets,
    });
    assert.equal(jobs.total, COUNT, "exactly one job per resource");
    assert.equal(recorded.length, COUNT, "failed jobs are recorded too");
    assert.deepEqual(failed, [...FAILING].sort());
    assert.deepEqual([...new Set(erroredRows)].sort(), [...FAILING].sort(), text);
    for (const name of FAILING) {
      // The diagnostic of each failing resource names its job, the state and the job URL.
      const at = text.indexOf(`(${name}):\n`);
      const diagnostic = text.slice(at, at + 600);
      assert.match(
        diagnostic,
        /(job|plan job) \d+ failed \(state (failed|failure)\).*Job URL: https:/s,
        diagnostic,
      );
    }
    assert.equal(secrets, 0);
  });
});
