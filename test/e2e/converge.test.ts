import * as assert from "node:assert/strict";
import { defaultWorld, type WorldInput } from "../../emulator";
import { adminClient, commandRequests, suiteEmulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor, typePattern } from "../support/faces";

const WEB_SERVERS = "11111111-1111-4111-8111-111111111111";
const web = (n: number) => ({
  certname: `node${n}.example.com`,
  facts: { os: { family: "RedHat" }, role: "web" },
});
/** The built-in world, node2 (a web server) failing its Puppet runs in production. */
const world: WorldInput = {
  ...defaultWorld,
  nodes: (defaultWorld.nodes ?? []).map((n) =>
    n.certname === "node2.example.com"
      ? { ...n, runs: { production: { status: "failed", message: "Could not find class ::nginx" } } }
      : n,
  ),
};

// Two deploys of the Web servers group, one converging and one not, both accepting failed nodes; the world then
// changes between two `up`s (a web server joins, the failing one is fixed).
const program = `
import { EnvironmentDeploy } from "pulumi-pe-orchestrator";

const web = new EnvironmentDeploy("web", {
  environment: "production",
  nodeGroup: "${WEB_SERVERS}",
  converge: true,
  failOnJobFailure: false,
});
const plain = new EnvironmentDeploy("plain", {
  environment: "production",
  nodeGroup: "${WEB_SERVERS}",
  failOnJobFailure: false,
}, { dependsOn: web });

export const webJobId = web.jobId;
export const webJobIds = web.jobIds;
export const webBehind = web.nodesBehind;
export const webNodeStates = web.nodeStates;
export const webNodes = web.nodeResults.apply((nodes) => nodes.map((n) => n.name + " " + n.state).sort());
export const plainJobId = plain.jobId;
export const plainNodeStates = plain.nodeStates;
`;

forEachFace((face) =>
  describe(`converge: a declared deploy keeps its scope converged (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    const suite = suiteEmulatorStack({
      project: "converge",
      files: { "index.ts": programFor(face, program) },
      emulator: { world },
      lookups: true,
      ...stackOptionsFor(face),
    });
    let first: string;

    it("up runs the group once per resource; the failed node is behind for the converging one", async () => {
      const { emu, stack } = suite;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const out = await stack.outputs();
      first = String(out.webJobId);
      assert.deepEqual(out.webJobIds, [first]);
      assert.deepEqual(out.webBehind, ["node2.example.com"]);
      assert.deepEqual(out.webNodeStates, { finished: 1, failed: 1 });
      assert.deepEqual(out.plainNodeStates, { finished: 1, failed: 1 });
      assert.equal(commandRequests(emu).length, 2);
    });

    it("a node joins the group and the failing one is fixed: preview names both, as an update, and starts nothing", async () => {
      const { emu, stack } = suite;
      emu.setNode(web(6));
      emu.setNode(web(2));
      const before = commandRequests(emu).length;
      const preview = await stack.preview();
      assert.equal(preview.code, 0, preview.stdout + preview.stderr);
      assert.match(
        preview.stdout,
        new RegExp(
          `converge: 2 nodes behind: node2\\.example\\.com failed in job ${first}, node6\\.example\\.com joined ` +
            "the scope; up runs Puppet on them",
        ),
      );
      assert.match(
        preview.stdout,
        new RegExp(`~\\s+${typePattern(face, "EnvironmentDeploy")}\\s+web\\s+update`),
      );
      assert.doesNotMatch(preview.stdout, /replace/);
      assert.match(preview.stdout, /1 to update/);
      assert.equal(commandRequests(emu).length, before);
    });

    it("up runs one job on exactly those two, keeps the id, and records each node's latest run", async () => {
      const { emu, stack } = suite;
      const before = commandRequests(emu).length;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.equal(commandRequests(emu).length, before + 1);
      const out = await stack.outputs();
      const latest = String(out.webJobId);
      assert.deepEqual(out.webJobIds, [latest, first]);
      const nodes = await adminClient(emu).summarizeJobNodes(latest);
      assert.deepEqual(nodes.others.map((n) => n.name).sort(), ["node2.example.com", "node6.example.com"]);
      assert.deepEqual(out.webBehind, []);
      assert.deepEqual(out.webNodeStates, { finished: 3 });
      assert.deepEqual(out.webNodes, [
        "node1.example.com finished",
        "node2.example.com finished",
        "node6.example.com finished",
      ]);
      // the resource keeps its id: the first job's
      const state = await stack.exportState();
      const resource = state.deployment.resources?.find((r) => r.urn.endsWith("::web"));
      assert.equal(resource?.id, first);
      // converge: false: the same world changes start nothing
      assert.deepEqual(out.plainNodeStates, { finished: 1, failed: 1 });
    });

    it("a second up runs nothing, and a drift check finds nothing until a node is behind again", async () => {
      const { emu, stack } = suite;
      const before = commandRequests(emu).length;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /unchanged/);
      assert.doesNotMatch(up.stdout, /updated|created/);
      // a scheduled drift check (PULUMI_SKIP_CONFIRMATIONS, the harness's, would add --yes)
      const check = (args: string[]) =>
        stack.pulumi(["refresh", "--preview-only", ...args], { PULUMI_SKIP_CONFIRMATIONS: "false" });
      const quiet = await check(["--expect-no-changes"]);
      assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
      emu.setNode(web(7));
      const drift = await check(["--diff"]);
      assert.equal(drift.code, 0, drift.stdout + drift.stderr);
      assert.match(drift.stdout, /nodesBehind/);
      assert.match(drift.stdout, /node7\.example\.com/);
      assert.equal(commandRequests(emu).length, before);
    });
  }),
);
