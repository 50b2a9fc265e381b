import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultWorld, type Emulator } from "../../emulator";
import { environmentDeployOperations } from "../../provider/jobs/environment-deploy-operations";
import { deployJob } from "../../provider/kinds/deploy-job";
import type { DeployInputs } from "../../provider/kinds/kind-inputs";
import { startOrRecoverJob } from "../../provider/recovery/start-or-recover-job";
import type { Props } from "../../provider/resource/host";
import { clientFor, emulatorHost, startTestEmulator } from "../support/emulator";

const WEB_SERVERS = "11111111-1111-4111-8111-111111111111";
const URN = "urn:pulumi:test::converge::pe:index:EnvironmentDeploy::web";
const node = (n: number, role: string, runs = {}) => ({
  certname: `node${n}.example.com`,
  facts: { role },
  runs,
});

// `converge` through the operations both faces serve, against the emulator over HTTPS: what each step asks PE,
// and an interrupted run's converge job taken, not run twice. (The engine's view: test/e2e/converge.test.ts.)
describe("EnvironmentDeploy converge: the operations", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let journal: string;
  const journalBefore = process.env.PE_ORCHESTRATOR_JOURNAL_DIR;
  const inputs = {
    environment: "production",
    nodeGroup: WEB_SERVERS,
    converge: true,
    failOnJobFailure: false,
  };
  let state: Props;

  /** A new provider process: its own clients, so its own lookups. */
  const operations = () => environmentDeployOperations(emulatorHost(emu));
  /** The requests `run` made, as "METHOD path". */
  const requestsOf = async (run: () => Promise<unknown>) => {
    const from = emu.requests.length;
    await run();
    return emu.requests.slice(from).map((r) => `${r.method} ${r.path}`);
  };
  const deploys = (requests: string[]) => requests.filter((r) => r.endsWith("/command/deploy")).length;

  before(async () => {
    journal = fs.mkdtempSync(path.join(os.tmpdir(), "pe-converge-journal-"));
    process.env.PE_ORCHESTRATOR_JOURNAL_DIR = journal;
    emu = await startTestEmulator({
      timeScale: 1000,
      world: {
        ...defaultWorld,
        nodes: [node(1, "web"), node(2, "web", { production: { status: "failed" } }), node(3, "db")],
      },
    });
    const created = await operations().create(URN, inputs);
    state = { ...inputs, ...created.outs };
  });
  after(async () => {
    await emu?.stop();
    if (journalBefore === undefined) delete process.env.PE_ORCHESTRATOR_JOURNAL_DIR;
    else process.env.PE_ORCHESTRATOR_JOURNAL_DIR = journalBefore;
    fs.rmSync(journal, { recursive: true, force: true });
  });

  it("create records the failed node as behind, and the history", () => {
    assert.deepEqual(state.nodesBehind, ["node2.example.com"]);
    assert.deepEqual(state.jobIds, [state.jobId]);
    assert.equal(state.scopeDigest, "");
  });

  it("nobody behind: a no-change diff resolves the scope (one lookup) and reads no job", async () => {
    const ops = operations();
    emu.setNode(node(2, "web"));
    // an up that runs Puppet on node2 again: then nobody is behind, and the scope's digest is recorded
    const { outs } = await ops.update(URN, String(state.jobId), state, inputs);
    state = { ...inputs, ...outs };
    assert.deepEqual(state.nodesBehind, []);
    assert.notEqual(state.scopeDigest, "");
    let diff: { changes: boolean } | undefined;
    const made = await requestsOf(async () => (diff = await operations().diff(URN, "1", state, inputs)));
    assert.equal(diff?.changes, false);
    // the group's rule from the classifier, its members from PuppetDB: the one lookup preview makes for a group
    assert.deepEqual(made, [`GET /classifier-api/v1/groups/${WEB_SERVERS}`, "POST /pdb/query/v4"]);
  });

  it("a converge job an interrupted run started is taken by the next up, not run twice", async () => {
    emu.setNode(node(4, "web"));
    // what the interrupted run did: journalled and started the job on the node behind, then died
    const run: DeployInputs = {
      ...deployJob.schema.parse(inputs),
      nodes: ["node4.example.com"],
      nodeGroup: undefined,
    };
    const { jobName } = await startOrRecoverJob(deployJob, clientFor(emu), run, URN);
    let outs: Props = {};
    const made = await requestsOf(
      async () => ({ outs } = await operations().update(URN, "1", state, inputs)),
    );
    assert.equal(deploys(made), 0, made.join("\n"));
    assert.equal(outs.jobId, jobName);
    assert.deepEqual((outs.jobIds as string[]).slice(0, 2), [jobName, String(state.jobId)]);
    assert.deepEqual(outs.nodesBehind, []);
    assert.equal(outs.nodeCount, 3);
    state = { ...inputs, ...outs };
  });

  it("a node that left the scope: a change, nothing runs, and it drops out of the outputs", async () => {
    emu.setNode(node(1, "db"));
    const diff = await operations().diff(URN, "1", state, inputs);
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    let outs: Props = {};
    const made = await requestsOf(
      async () => ({ outs } = await operations().update(URN, "1", state, inputs)),
    );
    assert.equal(deploys(made), 0);
    const names = (outs.nodeResults as { name: string }[]).map((n) => n.name).sort();
    assert.deepEqual(names, ["node2.example.com", "node4.example.com"]);
    assert.deepEqual(outs.nodeStates, { finished: 2 });
    state = { ...inputs, ...outs };
    assert.equal((await operations().diff(URN, "1", state, inputs)).changes, false);
  });

  it("a converge job whose node fails again fails the update unless failOnJobFailure: false", async () => {
    emu.setNode(
      node(5, "web", { production: { status: "failed", message: "Could not find class ::nginx" } }),
    );
    const strict = { ...inputs, failOnJobFailure: undefined };
    await assert.rejects(
      operations().update(URN, "1", state, strict),
      (error: Error & { properties?: Props }) => {
        assert.match(error.message, /EnvironmentDeploy job \d+ failed .*failed nodes: node5\.example\.com/);
        assert.deepEqual(error.properties?.nodesBehind, ["node5.example.com"]);
        return true;
      },
    );
  });
});
