import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { adminClient, commandRequests, emulatorStack } from "../support/emulator-stack";
import type { TestStack } from "../support/test-stack";

// Through the plugin only: an explicit `pulumi:providers:pe` resource and `pulumi import`, the engine's own ways
// that a dynamic provider cannot offer. YAML programs: the engine reads the plugin's schema, no SDK needed.
const PLAN_RUN = "/orchestrator/v1/command/plan_run";

/** A program whose PlanRun goes through an explicit provider with the given serviceUrl (the rest from config). */
const explicitProvider = (serviceUrl: string) => `runtime: yaml
config:
  emuCacert: { type: string }
  emuToken: { type: string, secret: true }
resources:
  pe-explicit:
    type: pulumi:providers:pe
    properties:
      serviceUrl: ${serviceUrl}
      cacert: \${emuCacert}
      token: \${emuToken}
  canary:
    type: pe:index:PlanRun
    properties:
      planName: canary
      params: { nodes: [node1.example.com], command: whoami, canary: 1 }
    options:
      provider: \${pe-explicit}
outputs:
  planState: \${canary.state}
`;

const program = (stack: TestStack, yaml: string) =>
  fs.writeFileSync(path.join(stack.dir, "Pulumi.yaml"), yaml);

describe("plugin: an explicit provider resource, and pulumi import", function () {
  this.timeout(10 * 60 * 1000);
  let emu: Emulator;
  let stack: TestStack;

  before(async () => {
    ({ emu, stack } = await emulatorStack({ project: "explicit", plugin: true, files: {} }));
    // the stack's own pe:* config points nowhere: only the provider resource's settings can reach the emulator
    await stack.setConfig("pe:serviceUrl", "https://127.0.0.1:1");
    await stack.setConfig("emuCacert", emu.caFile);
    await stack.setConfig("emuToken", emu.adminToken, { secret: true });
  });
  after(async () => {
    await stack?.remove();
    await emu?.stop();
  });

  it("a provider resource with a bad serviceUrl fails preview naming the setting, before any job", async () => {
    program(stack, `name: explicit\n${explicitProvider("not-a-url")}`);
    const preview = await stack.preview();
    assert.notEqual(preview.code, 0, preview.stdout);
    assert.match(preview.stdout + preview.stderr, /serviceUrl/);
    assert.deepEqual(commandRequests(emu), []);
  });

  it("the provider resource's settings reach the plugin: up runs the plan through them, not the stack config", async () => {
    program(stack, `name: explicit\n${explicitProvider(emu.url)}`);
    const up = await stack.up();
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.deepEqual(commandRequests(emu), [PLAN_RUN]);
    assert.equal((await stack.outputs()).planState, "success");
  });

  it("pulumi import pe:index:PlanRun adopts a plan job started outside Pulumi and prints its code", async () => {
    const started = await adminClient(emu).planRun({
      plan_name: "canary",
      params: { nodes: ["node2.example.com"], command: "whoami", canary: 1 },
    });
    // the default provider this time: the stack's pe:* config, as the dynamic face reads it
    await stack.setConfig("pe:serviceUrl", emu.url);
    await stack.setConfig("pe:cacert", emu.caFile);
    const before = commandRequests(emu).length;
    const imported = await stack.pulumi([
      "import",
      "pe:index:PlanRun",
      "adopted",
      started.name,
      "--yes",
      "--protect=false",
    ]);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /1 imported/);
    // the program code pulumi import prints: the plan, its params, from the job's record
    assert.match(imported.stdout, /planName: canary/);
    assert.match(imported.stdout, /node2\.example\.com/);
    const state = await stack.exportState();
    const adopted = state.deployment.resources?.find((r) => r.urn.endsWith("::adopted"));
    assert.equal(adopted?.type, "pe:index:PlanRun");
    assert.equal(adopted?.id, started.name);
    assert.equal(adopted?.outputs?.jobId, started.name);
    assert.equal(commandRequests(emu).length, before, "import starts no job");
  });
});
