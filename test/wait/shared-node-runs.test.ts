import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { waitForJob } from "../../provider/wait";
import { sharedNodeRuns } from "../../provider/wait/shared-node-runs";
import { clientFor, startTestEmulator } from "../support/emulator";

// The PuppetDB reports deploys' waits predict from (issue 13): one read of the fleet per provider process and
// connection, shared by every create, where each create queried its own nodes.
describe("sharedNodeRuns: the fleet's latest Puppet runs, read once per process", function () {
  this.timeout(60_000);
  let emu: Emulator | undefined;
  const pdbReads = () => emu!.requests.filter((r) => r.path.startsWith("/pdb/query/v4")).length;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  it("first deploys on other nodes: one PuppetDB read between them, and each is predicted from it", async () => {
    emu = await startTestEmulator({ timeScale: 60 });
    const client = clientFor(emu, { puppetdbUrl: emu.url });
    try {
      // unlike each other (node count, nodes): no earlier job predicts the next
      for (const nodes of [["node1.example.com"], ["node2.example.com", "node3.example.com"]]) {
        const { job } = await client.deploy({ environment: "production", scope: { nodes } });
        const result = await waitForJob(client, job.name, {
          nodeRuns: (nodes, call) => sharedNodeRuns(client, nodes, call),
        });
        assert.equal(result.state, "finished");
        // each node's scheduled agent run: 30 world seconds, 500 ms at ×60
        assert.equal(result.estimate?.basis, "each node's last Puppet run (PuppetDB)", nodes.join());
        assert.equal(result.estimate?.durationMs, 500, nodes.join());
      }
      assert.equal(pdbReads(), 1);
    } finally {
      client.close();
    }
  });

  it("a fleet bigger than one page: only the nodes the page lacks are queried by name", async () => {
    const certnames = Array.from({ length: 1001 }, (_, i) => `n-${String(i).padStart(4, "0")}.example.com`);
    // The emulator pages as PuppetDB does: the world lists the nodes last certname first, so only its order_by
    // makes the page the first 1000 by certname, and only its limit leaves n-1000 out (an emulator that ignored
    // order_by would serve n-1000…n-0001, one that ignored the limit all 1001: either reads once)
    emu = await startTestEmulator({
      world: {
        environments: [{ name: "production" }],
        nodes: certnames.map((certname, i) => ({ certname, runSeconds: 10 + i })).reverse(),
      },
    });
    const client = clientFor(emu, { puppetdbUrl: emu.url });
    try {
      const runs = await sharedNodeRuns(client, [certnames[5], certnames[1000]], {});
      assert.deepEqual(
        [...runs],
        [
          [certnames[5], 15_000],
          [certnames[1000], 1_010_000],
        ],
      );
      assert.equal(pdbReads(), 2, "the page of 1000, then the one node it lacks");
      assert.deepEqual([...(await sharedNodeRuns(client, [certnames[7]], {}))], [[certnames[7], 17_000]]);
      assert.equal(pdbReads(), 2, "a node in the page: no query");
    } finally {
      client.close();
    }
  });

  it("a fleet of exactly one page: a full page may have more, so a node it lacks is still queried by name", async () => {
    const certnames = Array.from({ length: 1000 }, (_, i) => `n-${String(i).padStart(4, "0")}.example.com`);
    emu = await startTestEmulator({
      world: {
        environments: [{ name: "production" }],
        nodes: certnames.map((certname) => ({ certname, runSeconds: 10 })).reverse(),
      },
    });
    const client = clientFor(emu, { puppetdbUrl: emu.url });
    try {
      const runs = await sharedNodeRuns(client, [certnames[999], "new.example.com"], {});
      assert.deepEqual([...runs], [[certnames[999], 10_000]]);
      assert.equal(pdbReads(), 2, "the full page, then the node it lacks (PuppetDB has no report of it)");
    } finally {
      client.close();
    }
  });

  it("a wait that gives up on a slow PuppetDB is answered at once; the read goes on for the next", async () => {
    emu = await startTestEmulator();
    emu.setFaults({ rules: [{ method: "POST", path: "^/pdb/", action: "latency", ms: 1500 }] });
    const client = clientFor(emu, { puppetdbUrl: emu.url });
    try {
      const budget = new AbortController();
      const timer = setTimeout(() => budget.abort(new Error("budget")), 200);
      const started = Date.now();
      await assert.rejects(
        sharedNodeRuns(client, ["node1.example.com"], { signal: budget.signal }),
        /budget/,
      );
      clearTimeout(timer);
      assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
      const runs = await sharedNodeRuns(client, ["node1.example.com"], {});
      assert.equal(runs.get("node1.example.com"), 30_000);
      assert.equal(pdbReads(), 1, "the second wait took the read the first one started");
    } finally {
      client.close();
    }
  });
});
