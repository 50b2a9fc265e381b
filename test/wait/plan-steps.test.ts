import * as assert from "node:assert/strict";
import type { Job, OrchestratorEvent } from "../../provider/pe/schemas";
import { PlanSteps } from "../../provider/wait/plan-steps";

let nextId = 1;
const event = (type: string, jobId?: string | number): OrchestratorEvent => ({
  id: String(nextId++),
  type,
  ...(jobId === undefined ? {} : { details: { "job-id": jobId } }),
});

const taskJob = (name: string, state: string, nodeStates: Record<string, number>, nodeCount = 2): Job => ({
  id: `https://orchestrator.example.com:8143/orchestrator/v1/jobs/${name}`,
  name,
  state,
  duration: null,
  node_count: nodeCount,
  node_states: nodeStates,
});

describe("PlanSteps", () => {
  it("numbers the steps that start jobs, names their action, and lists their jobs in order", () => {
    const steps = new PlanSteps();
    assert.equal(steps.current(), undefined);
    assert.equal(steps.applyEvent(event("plan_start")), false);
    steps.applyEvent(event("task_start", "12"));
    assert.deepEqual(steps.current(), { number: 1, action: "task", jobName: "12" });
    steps.applyEvent(event("apply_prep_start", 13));
    steps.applyEvent(event("task_start", "12"));
    steps.applyEvent(event("task_start"));
    assert.deepEqual(
      steps.current(),
      { number: 2, action: "apply_prep", jobName: "13" },
      "no new job, no new step",
    );
    assert.deepEqual(steps.jobNames, ["12", "13"]);
  });

  it("says the plan ended at plan_finished or plan_failed", () => {
    const steps = new PlanSteps();
    assert.equal(steps.applyEvent(event("task_finish", "12")), false);
    assert.equal(steps.applyEvent(event("plan_finished")), true);
    assert.equal(steps.applyEvent(event("plan_failed")), true);
  });

  it("takes the running step's task job: state, node count, and node states as the counts", () => {
    const steps = new PlanSteps();
    const counts = steps.counts;
    steps.applyEvent(event("command_start", "20"));
    steps.useStepJob(taskJob("20", "running", { running: 1, finished: 1 }));
    assert.deepEqual(steps.current(), {
      number: 1,
      action: "command",
      jobName: "20",
      state: "running",
      nodeCount: 2,
    });
    assert.deepEqual(steps.counts, { running: 1, finished: 1 });
    steps.applyEvent(event("script_start", "21"));
    assert.deepEqual(steps.counts, {}, "a new step: its job's counts are not known yet");
    assert.equal(steps.counts, counts, "one object throughout");
  });

  it("gives a copy of the step: what the caller keeps does not change under it", () => {
    const steps = new PlanSteps();
    steps.applyEvent(event("task_start", "30"));
    const seen = steps.current();
    steps.useStepJob(taskJob("30", "finished", { finished: 2 }));
    assert.deepEqual(seen, { number: 1, action: "task", jobName: "30" });
  });

  it("has the step's job read when the step starts, then at most once a second until it ends", () => {
    const steps = new PlanSteps();
    assert.equal(steps.jobToRead(0), undefined, "no step yet");
    steps.applyEvent(event("task_start", "40"));
    assert.equal(steps.jobToRead(100), "40");
    assert.equal(steps.jobToRead(150), "40", "not read yet (the read failed): asked again");
    steps.useStepJob(taskJob("40", "running", { running: 2 }));
    assert.equal(steps.jobToRead(1100), undefined, "within a second of the last ask");
    assert.equal(steps.jobToRead(1150), "40");
    steps.applyEvent(event("task_start", "41"));
    assert.equal(steps.jobToRead(1200), "41", "a new step is read at once");
    steps.useStepJob(taskJob("41", "finished", { finished: 2 }));
    assert.equal(steps.jobToRead(5000), undefined, "its job has ended");
  });
});
