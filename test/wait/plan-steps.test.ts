import * as assert from "node:assert/strict";
import { progressLine } from "../../provider/resource/progress-line";
import type { OrchestratorClient } from "../../provider/pe";
import type { EventsPage, Job, OrchestratorEvent, PlanJob } from "../../provider/pe/schemas";
import { type WaitProgress, waitForPlanJob } from "../../provider/wait";
import { PlanSteps } from "../../provider/wait/plan-steps";
import type { Clock } from "../../provider/wait/poll-job";

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

  it("once the plan has ended, has a step job last seen going read again at once, and only then", () => {
    const steps = new PlanSteps();
    steps.applyEvent(event("command_start", "50"));
    assert.equal(steps.jobToRead(0), "50");
    steps.useStepJob(taskJob("50", "running", { running: 1 }, 1));
    assert.equal(steps.jobToRead(200), undefined, "within a second");
    assert.equal(steps.jobToRead(200, true), "50", "the plan ended: the step's final states are wanted");
    steps.useStepJob(taskJob("50", "finished", { finished: 1 }, 1));
    assert.equal(steps.jobToRead(300, true), undefined, "its job was seen ended");
  });

  it("forgets the step job's state and counts when that last read fails, keeping its node count", () => {
    const steps = new PlanSteps();
    steps.applyEvent(event("command_start", "60"));
    steps.useStepJob(taskJob("60", "running", { running: 1 }, 1));
    steps.forgetStepJob();
    assert.deepEqual(steps.current(), { number: 1, action: "command", jobName: "60", nodeCount: 1 });
    assert.deepEqual(steps.counts, {});
  });
});

/** A clock whose sleeps pass at once. */
function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

// The demo's PlanRun row ended "plan job 1 success (1s); step 2: command job 3 on 1 node: 1 running": the step's
// job was last read (at most once a second) while it ran, and the plan's end read nothing more.
describe("waitForPlanJob: the last progress of a plan that ended", () => {
  /** A plan whose second step's job (3, one node) runs until `endAt` (clock ms), when the plan ends too. */
  function stubClient(clock: Clock, endAt: number, stepJobRead: "works" | "fails" = "works") {
    const reads: number[] = [];
    const ended = () => clock.now() >= endAt;
    const planJob = (): PlanJob => ({
      id: "https://orchestrator.example.com:8143/orchestrator/v1/plan_jobs/1",
      name: "1",
      state: ended() ? "success" : "running",
      duration: null,
      status: { "2": [], "3": [] },
    });
    const client = {
      planJobUrl: () => "https://orchestrator.example.com:8143/orchestrator/v1/plan_jobs/1",
      getPlanJob: async () => planJob(),
      getPlanJobEvents: async (_: string, start?: number): Promise<EventsPage> => {
        const all = [event("command_start", 2), event("command_start", 3)].map((e, i) => ({
          ...e,
          id: String(i + 1),
        }));
        if (ended()) all.push({ id: "3", type: "plan_finished" });
        return { items: all.filter((e) => Number(e.id) >= (start ?? 0)) };
      },
      getJob: async (name: string): Promise<Job> => {
        reads.push(clock.now());
        if (stepJobRead === "fails" && ended()) throw new Error("connection reset");
        return ended()
          ? taskJob(name, "finished", { finished: 1 }, 1)
          : taskJob(name, "running", { running: 1 }, 1);
      },
    };
    return { client: client as unknown as OrchestratorClient, reads };
  }

  it("shows the last step's final node states, read once more at the end", async () => {
    const clock = fakeClock();
    const { client, reads } = stubClient(clock, 600);
    const progress: WaitProgress[] = [];
    const done = await waitForPlanJob(client, "1", {
      clock,
      history: false,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(done.state, "success");
    const last = progress.at(-1)!;
    assert.equal(last.state, "success");
    assert.deepEqual(last.nodeStates, { finished: 1 });
    assert.equal(
      progressLine("PlanRun", "plan job", { ...last, elapsedMs: 1000 }),
      "PlanRun: plan job 1 success (1s); step 2: command job 3 on 1 node: 1 finished (finished)",
    );
    assert.ok(reads.some((t) => t < 600) && reads.at(-1)! >= 600, `step job reads at ${reads.join(", ")}`);
  });

  it("a last read that fails leaves no stale node states on the line", async () => {
    const clock = fakeClock();
    const { client } = stubClient(clock, 600, "fails");
    const progress: WaitProgress[] = [];
    await waitForPlanJob(client, "1", { clock, history: false, onProgress: (p) => progress.push(p) });
    assert.equal(
      progressLine("PlanRun", "plan job", { ...progress.at(-1)!, elapsedMs: 1000 }),
      "PlanRun: plan job 1 success (1s); step 2: command job 3 on 1 node",
    );
  });
});
