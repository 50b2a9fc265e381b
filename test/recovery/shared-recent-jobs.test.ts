import * as assert from "node:assert/strict";
import { addRecentJob, peekRecentJobs, sharedRecentJobs } from "../../provider/recovery/shared-recent-jobs";

describe("sharedRecentJobs", () => {
  let now = 0;
  const clock = () => now;

  it("reads once per client and key while the list is fresh, again once it is 30 s old", async () => {
    const client = {};
    let reads = 0;
    const load = async () => [++reads];
    now = 1_000;
    const first = await Promise.all([1, 2, 3].map(() => sharedRecentJobs(client, "jobs", load, clock)));
    assert.deepEqual(first, [[1], [1], [1]]);
    now = 31_000;
    assert.deepEqual(await sharedRecentJobs(client, "jobs", load, clock), [1]);
    assert.deepEqual(
      await sharedRecentJobs(client, "plan jobs", load, clock),
      [2],
      "another key: its own list",
    );
    assert.deepEqual(await sharedRecentJobs({}, "jobs", load, clock), [3], "another client: its own list");
    now = 31_001;
    assert.deepEqual(await sharedRecentJobs(client, "jobs", load, clock), [4]);
  });

  it("puts a job that ended in this process at the head of the cached list, without reading it", async () => {
    const client = {};
    let reads = 0;
    const load = async () => {
      reads++;
      return [
        { name: "2", state: "running" },
        { name: "1", state: "finished" },
      ];
    };
    now = 1_000;
    addRecentJob(client, "jobs", { name: "0", state: "finished" });
    assert.equal(reads, 0, "no list yet: nothing to add to, nothing read");
    assert.equal(peekRecentJobs(client, "jobs"), undefined, "nothing read yet: nothing to peek at");
    await sharedRecentJobs(client, "jobs", load, clock);
    addRecentJob(client, "jobs", { name: "2", state: "finished" });
    const expected = [
      { name: "2", state: "finished" },
      { name: "1", state: "finished" },
    ];
    assert.deepEqual(await sharedRecentJobs(client, "jobs", load, clock), expected);
    assert.deepEqual(peekRecentJobs(client, "jobs"), expected, "peeking sees the job added, at once");
    assert.equal(reads, 1);
  });

  it("a job added while the list is being read is in what a wait peeks at once it arrives", async () => {
    const client = {};
    const read = sharedRecentJobs(client, "jobs", async () => [{ name: "1", state: "finished" }], clock);
    addRecentJob(client, "jobs", { name: "2", state: "finished" });
    await read;
    await sharedRecentJobs(client, "jobs", async () => [], clock);
    assert.deepEqual(peekRecentJobs(client, "jobs"), [
      { name: "2", state: "finished" },
      { name: "1", state: "finished" },
    ]);
  });

  it("does not keep a failed read: the next caller asks again", async () => {
    const client = {};
    let fail = true;
    const load = async () => {
      if (fail) throw new Error("403");
      return ["ok"];
    };
    await assert.rejects(sharedRecentJobs(client, "jobs", load, clock), /403/);
    fail = false;
    assert.deepEqual(await sharedRecentJobs(client, "jobs", load, clock), ["ok"]);
  });
});
