import * as assert from "node:assert/strict";
import type { Job, OrchestratorEvent } from "../../provider/pe/schemas";
import { JobNodeStates } from "../../provider/wait/job-node-states";

const job = (fields: Partial<Job> = {}): Job => ({
  id: "https://orchestrator.example.com:8143/orchestrator/v1/jobs/7",
  name: "7",
  state: "running",
  duration: null,
  node_count: 3,
  ...fields,
});

let nextId = 1;
const event = (type: string, node?: string, timestamp?: string): OrchestratorEvent => ({
  id: String(nextId++),
  type,
  ...(node === undefined ? {} : { details: { node } }),
  ...(timestamp === undefined ? {} : { timestamp }),
});

describe("JobNodeStates", () => {
  it("takes the record's counts until events arrive", () => {
    const states = new JobNodeStates();
    const counts = states.counts;
    states.useRecord(job({ node_states: { new: 2, running: 1 } }));
    assert.deepEqual(states.counts, { new: 2, running: 1 });
    states.useRecord(job({ node_states: { running: 3 } }));
    assert.deepEqual(states.counts, { running: 3 }, "a later record replaces the counts");
    states.useRecord(job({ node_states: null }));
    assert.deepEqual(states.counts, {});
    assert.equal(states.counts, counts, "one object throughout");
  });

  it("counts nodes from events once they arrive: all new, then each moved along", () => {
    const states = new JobNodeStates();
    states.useRecord(job({ node_states: { running: 3 } }));
    const record = job();
    assert.equal(states.applyEvent(event("node_running", "a"), 10, record), false);
    assert.deepEqual(states.counts, { new: 2, running: 1 }, "the events' counts start from all new");
    states.applyEvent(event("node_running", "b"), 20, record);
    states.applyEvent(event("node_finished", "a"), 30, record);
    states.applyEvent(event("node_failed", "b"), 40, record);
    assert.deepEqual(states.counts, { new: 1, finished: 1, failed: 1 }, "a count that reaches 0 goes");
    states.useRecord(job({ node_states: { running: 1, finished: 2 } }));
    assert.deepEqual(
      states.counts,
      { new: 1, finished: 1, failed: 1 },
      "a running job's record: events rule",
    );
    states.useRecord(job({ state: "failed", node_states: { finished: 2, failed: 1 } }));
    assert.deepEqual(states.counts, { finished: 2, failed: 1 }, "an ended job's record has the last word");
  });

  it("ignores events that name no node", () => {
    const states = new JobNodeStates();
    states.useRecord(job({ node_states: { running: 3 } }));
    assert.equal(states.applyEvent(event("node_running"), 5, job()), false);
    assert.equal(states.applyEvent(event("node_finished"), 6, job()), false);
    assert.deepEqual(states.counts, { running: 3 }, "still the record's");
    assert.deepEqual([...states.nodeTimes()], []);
  });

  it("says the record is worth reading at a job_* event or once as many nodes ended as the job has", () => {
    const states = new JobNodeStates();
    const record = job({ node_count: 2 });
    assert.equal(states.applyEvent(event("job_stopping"), 0, record), true);
    assert.equal(states.applyEvent(event("node_running", "a"), 1, record), false);
    assert.equal(states.applyEvent(event("node_finished", "a"), 2, record), false);
    assert.equal(states.applyEvent(event("node_errored", "b"), 3, record), true, "the last node's end");
    assert.equal(states.applyEvent(event("node_finished", "c"), 4, job({ node_count: null })), false);
  });

  it("times each node by the read, or by the event's own time on the job's clock, never later than the read", () => {
    const states = new JobNodeStates();
    const started = job({ started_timestamp: "2024-01-01T00:00:00.000Z" });
    states.applyEvent(event("node_running", "a", "2024-01-01T00:00:01.000Z"), 5000, started);
    states.applyEvent(event("node_finished", "a", "2024-01-01T00:00:03.500Z"), 5000, started);
    states.applyEvent(event("node_running", "b", "2024-01-01T00:00:09.000Z"), 5000, started);
    states.applyEvent(event("node_running", "c"), 4000, started);
    states.applyEvent(event("node_failed", "c", "2023-12-31T23:59:59.000Z"), 4500, started);
    // no start time on the record but its creation time: that is the clock's zero
    const created = job({ timestamp: "2024-01-01T00:00:00.000Z" });
    states.applyEvent(event("node_running", "d", "2024-01-01T00:00:02.000Z"), 3000, created);
    // neither: the read's time
    states.applyEvent(event("node_running", "e", "2024-01-01T00:00:02.000Z"), 3000, job());
    assert.deepEqual(
      [...states.nodeTimes()],
      [
        { startedAt: 1000, endedAt: 3500 },
        { startedAt: 5000 },
        { startedAt: 4000, endedAt: 0 },
        { startedAt: 2000 },
        { startedAt: 3000 },
      ],
    );
  });
});
