import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { commandRequests, emulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor, typePattern } from "../support/faces";
import type { TestStack } from "../support/test-stack";

// Both resources through the real engine against the emulator over HTTPS. Config drives what changes.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

const config = new pulumi.Config("demo");
const deploy = new EnvironmentDeploy("web", {
  environment: "production",
  nodes: (config.get("nodes") ?? "node1.example.com,node2.example.com").split(","),
  description: config.get("description") ?? "first",
  triggers: [config.get("commit") ?? "c1"],
});
const canary = new PlanRun("canary", {
  planName: "canary",
  params: { nodes: ["node1.example.com", "node2.example.com"], command: config.get("command") ?? "whoami", canary: 1 },
  waitTimeoutSeconds: Number(config.get("wait") ?? "600"),
}, { dependsOn: deploy });

export const deployJobId = deploy.jobId;
export const deployState = deploy.state;
export const deployUrl = deploy.jobUrl;
export const nodeStates = deploy.nodeStates;
export const planJobId = canary.jobId;
export const planState = canary.state;
export const planResult = canary.result;
`;

forEachFace((face) =>
  describe(`resources: EnvironmentDeploy and PlanRun through the real engine (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;

    before(async () => {
      ({ emu, stack } = await emulatorStack({
        project: "resources",
        files: { "index.ts": programFor(face, program) },
        ...stackOptionsFor(face),
      }));
    });

    after(async () => {
      await stack?.remove();
      await emu?.stop();
    });

    it("pulumi up starts one deploy and one plan run and records their outcome", async () => {
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, new RegExp(`${typePattern(face, "EnvironmentDeploy")}\\s+web\\s+created`));
      assert.match(up.stdout, new RegExp(`${typePattern(face, "PlanRun")}\\s+canary\\s+created`));
      // Progress shows on the resources' own rows while `up` waits (a job the create just started reads `new`
      // until its first poll).
      assert.match(
        up.stdout,
        /EnvironmentDeploy\s+web\s+creating \(\d+s\) EnvironmentDeploy: job \d+ (new|running|finished)/,
      );
      assert.match(up.stdout, /PlanRun\s+canary\s+creating \(\d+s\) PlanRun: plan job \d+ (running|success)/);
      const outputs = await stack.outputs();
      assert.match(String(outputs.deployJobId), /^\d+$/);
      assert.equal(outputs.deployState, "finished");
      assert.equal(outputs.deployUrl, `${emu.apiUrl}/jobs/${outputs.deployJobId}`);
      assert.deepEqual(outputs.nodeStates, { finished: 2 });
      assert.equal(outputs.planState, "success");
      // Bolt's canary ResultSet: one Result per node.
      assert.deepEqual(
        (outputs.planResult as Array<{ target: string; status: string }>).map(
          (r) => `${r.target} ${r.status}`,
        ),
        ["node1.example.com success", "node2.example.com success"],
      );
      assert.deepEqual(commandRequests(emu), [
        "/orchestrator/v1/command/deploy",
        "/orchestrator/v1/command/plan_run",
      ]);
    });

    it("a second pulumi up reports no changes and starts no job", async () => {
      const before = commandRequests(emu).length;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /3 unchanged/);
      assert.equal(commandRequests(emu).length, before);
    });

    it("changing description updates in place; changing triggers replaces with exactly one new job", async () => {
      const before = commandRequests(emu).length;
      const first = await stack.outputs();
      await stack.setConfig("demo:description", "second");
      let up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /EnvironmentDeploy\s+web\s+updated/);
      assert.equal(commandRequests(emu).length, before, "an in-place update starts no job");

      await stack.setConfig("demo:commit", "c2");
      up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /EnvironmentDeploy\s+web\s+replaced/);
      assert.deepEqual(commandRequests(emu).slice(before), ["/orchestrator/v1/command/deploy"]);
      const second = await stack.outputs();
      assert.notEqual(second.deployJobId, first.deployJobId);
    });

    it("waitTimeoutSeconds updates in place; params or scope changes replace with exactly one new job each", async () => {
      let before = commandRequests(emu).length;
      await stack.setConfig("demo:wait", "300");
      let up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /PlanRun\s+canary\s+updated/);
      assert.equal(commandRequests(emu).length, before);

      await stack.setConfig("demo:command", "hostname");
      up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /PlanRun\s+canary\s+replaced/);
      assert.deepEqual(commandRequests(emu).slice(before), ["/orchestrator/v1/command/plan_run"]);
      assert.equal((await stack.outputs()).planResult instanceof Object, true);

      before = commandRequests(emu).length;
      await stack.setConfig("demo:nodes", "node4.example.com");
      up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /EnvironmentDeploy\s+web\s+replaced/);
      assert.deepEqual(commandRequests(emu).slice(before), ["/orchestrator/v1/command/deploy"]);
      assert.deepEqual((await stack.outputs()).nodeStates, { finished: 1 });
    });

    // Dynamic only: the serialized closure in __provider is how the dynamic face's state names its provider; a
    // plugin's resources are served by the plugin the engine starts for their package, and hold no provider text.
    if (face === "dynamic")
      it("state from an earlier version (a serialized-closure __provider): no change, no job, and destroy still works", async () => {
        // What versions before the one-line provider text wrote: a closure that loads the same package's provider.
        const methods = ["configure", "check", "diff", "create", "read", "update", "delete"];
        const wrap = (scope: string, body: string) =>
          `  return (function() {\n    with({ ${scope}, this: undefined, arguments: undefined }) {\n\n${body}\n\n` +
          `    }\n  }).apply(undefined, undefined).apply(this, arguments);\n`;
        const closure = (type: string) =>
          `exports.handler = __f0;\n\nvar __provider = {${methods.map((m, i) => `${m}: __m${i}`).join(", ")}};\n\n` +
          `function __load() {\n${wrap(`typeName: "${type}"`, `return () => require("pulumi-pe-orchestrator/dynamic").providers[typeName];`)}}\n\n` +
          methods
            .map(
              (m, i) =>
                `function __m${i}() {\n${wrap("load: __load", `return (...a) => load().${m}(...a);`)}}\n\n`,
            )
            .join("") +
          `function __f0() {\n${wrap("provider: __provider", "return () => provider;")}}\n`;
        const exported = await stack.exportState();
        let rewritten = 0;
        for (const r of exported.deployment.resources ?? []) {
          const type = /pe-orchestrator:(\w+)$/.exec(r.type)?.[1];
          if (!type) continue;
          for (const bag of [r.inputs, r.outputs]) if (bag) bag.__provider = closure(type);
          rewritten++;
        }
        assert.equal(rewritten, 2);
        const file = path.join(stack.dir, "old-state.json");
        fs.writeFileSync(file, JSON.stringify(exported));
        await stack.pulumiOk(["stack", "import", "--file", file]);

        const before = commandRequests(emu).length;
        const preview = await stack.preview(["--expect-no-changes"]);
        assert.equal(preview.code, 0, preview.stdout + preview.stderr);
        const up = await stack.up();
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.doesNotMatch(up.stdout, /replaced|updated|created/);
        // refresh reads through the old provider kept in the outputs; the next test destroys through it
        const kept = (await stack.exportState()).deployment.resources?.filter((r) =>
          r.type.includes("pe-orchestrator"),
        );
        assert.ok(kept?.every((r) => String(r.outputs?.__provider).startsWith("exports.handler = __f0;")));
        const refresh = await stack.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"]);
        assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
        assert.equal(commandRequests(emu).length, before, "no command sent");
      });

    it("destroy removes everything without API commands", async () => {
      const before = commandRequests(emu).length;
      const destroy = await stack.destroy();
      assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
      assert.equal(commandRequests(emu).length, before);
      assert.equal((await stack.exportState()).deployment.resources?.length ?? 0, 0);
    });

    it("after destroy, the same program runs its jobs again (nothing stale is adopted)", async () => {
      const before = commandRequests(emu).length;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.doesNotMatch(up.stdout, /interrupted run|still running for this resource/);
      assert.deepEqual(commandRequests(emu).slice(before).sort(), [
        "/orchestrator/v1/command/deploy",
        "/orchestrator/v1/command/plan_run",
      ]);
      assert.equal((await stack.destroy()).code, 0);
    });
  }),
);
