import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { type Job, type OrchestratorClient } from "../../provider/pe";
import { jobSketch, waitForJob } from "../../provider/wait";
import { similarJobRuns } from "../../provider/wait/similar-job-durations";
import { clientFor, startTestEmulator } from "../support/emulator";

/** The sketch as the wait uses it: a record not read yet. */
const asRecord = (sketch: ReturnType<typeof jobSketch>, name: string): Job => ({
  ...sketch!,
  id: `https://pe/orchestrator/v1/jobs/${name}`,
  name,
  state: "new",
  duration: null,
});

describe("jobSketch", () => {
  it("describes a nodes-scoped command as its record will: type, environment, options, node count", () => {
    const sketch = jobSketch("deploy", {
      environment: "production",
      scope: { nodes: ["a.example.com", "b.example.com", "a.example.com"] },
      concurrency: 2,
      userdata: { marker: "x" },
    } as never);
    assert.equal(sketch?.type, "deploy");
    assert.equal(sketch?.environment?.name, "production");
    assert.equal(sketch?.node_count, 2, "each certname once, as PE counts them");
    assert.deepEqual(sketch?.options?.scope, { nodes: ["a.example.com", "b.example.com", "a.example.com"] });
    assert.equal(sketch?.options?.concurrency, 2);
    assert.equal(sketch?.options?.userdata, undefined, "userdata is not an option");
    assert.equal(
      jobSketch("task", { task: "package", scope: { nodes: ["a"] } } as never)?.environment?.name,
      "production",
    );
  });

  it("gives nothing for a query or node group scope: only the server knows their node count", () => {
    assert.equal(jobSketch("deploy", { environment: "production", scope: { query: "nodes {}" } }), undefined);
    assert.equal(jobSketch("task", { scope: { node_group: "1234" } }), undefined);
  });

  describe("against the emulator's records", () => {
    let emu: Emulator;
    let client: OrchestratorClient;
    before(async () => {
      emu = await startTestEmulator({ timeScale: 60 });
      client = clientFor(emu);
    });
    after(async () => {
      client?.close();
      await emu?.stop();
    });

    it("matches the earlier run of the same command as its record would (same scope)", async () => {
      const deploy = { environment: "production", scope: { nodes: ["node1.example.com"] } };
      const task = {
        task: "package",
        params: { action: "status", name: "openssl" },
        scope: { nodes: ["node2.example.com"] },
      };
      const first = await client.deploy(deploy);
      const firstTask = await client.task(task);
      await Promise.all([waitForJob(client, first.job.name), waitForJob(client, firstTask.job.name)]);
      const { items } = await client.listJobs({ order_by: "timestamp", order: "desc", limit: 10 });
      const again = similarJobRuns(asRecord(jobSketch("deploy", deploy), "999"), items);
      assert.equal(again.basis, "same scope");
      assert.equal(again.durationsMs.length, 1);
      const taskAgain = similarJobRuns(asRecord(jobSketch("task", task), "998"), items);
      assert.equal(
        taskAgain.basis,
        "same scope",
        "a task without environment: production, as its record says",
      );
      const other = similarJobRuns(
        asRecord(jobSketch("deploy", { ...deploy, environment: "development" }), "997"),
        items,
      );
      assert.equal(other.basis, "same nodes, other job");
    });

    it("lets the wait skip its start read: the first request is the first poll", async () => {
      const body = { environment: "production", scope: { nodes: ["node5.example.com"] } };
      const { job } = await client.deploy(body);
      const before = emu.requests.length;
      const result = await waitForJob(client, job.name, {
        history: false,
        sketch: jobSketch("deploy", body),
      });
      assert.equal(result.state, "finished");
      const reads = emu.requests.slice(before).filter((r) => r.path === `/orchestrator/v1/jobs/${job.name}`);
      assert.ok(reads.length >= 1);
      // without a prediction the first poll is a second into the job (the grid), not at once
      const sentAt = emu.requests[before - 1].at;
      assert.ok(reads[0].at - sentAt >= 900, `${reads[0].at - sentAt} ms after the POST`);
    });
  });
});
