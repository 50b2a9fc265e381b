import * as assert from "node:assert/strict";
import { JobWaitError, OrchestratorError } from "../../provider/pe/http/errors";
import type { EventsPage, OrchestratorEvent } from "../../provider/pe/schemas";
import {
  type Clock,
  type Poller,
  pollJob,
  type PollOptions,
  UNREACHABLE_BUDGET_MS,
  type WaitProgress,
} from "../../provider/wait/poll-job";
import type { SimilarRuns } from "../../provider/wait/similar-job-durations";

const URL = "https://orchestrator.example.com:8143/orchestrator/v1/jobs/7";

/** A clock whose sleeps pass at once: the loop's times are exact. */
function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      clock.t += ms;
    },
  };
  return clock;
}

/** The job a fake poller answers for. */
interface Script {
  /** the record's state at clock time t */
  stateAt(t: number): string;
  /** the events pages, one per read; empty once they run out */
  pages?: OrchestratorEvent[][];
  /** the history's like runs as they stand at clock time t */
  similar?: (t: number) => SimilarRuns;
  /** every events read fails */
  eventsFail?: boolean;
}

/** A poller over a scripted job that logs the clock time of each request. */
function fakePoller(clock: Clock, job: Script) {
  const log = { records: [] as number[], events: [] as number[], starts: [] as Array<number | undefined> };
  const stops: number[] = [];
  const pages = [...(job.pages ?? [])];
  const poller: Poller = {
    fetchRecord: async () => {
      log.records.push(clock.now());
      return job.stateAt(clock.now());
    },
    fetchHistory: async () => ({
      state: job.stateAt(clock.now()),
      similar: () => job.similar?.(clock.now()) ?? { durationsMs: [], basis: "none" },
    }),
    fetchEvents: async (start): Promise<EventsPage> => {
      log.events.push(clock.now());
      log.starts.push(start);
      if (job.eventsFail) throw new Error("events endpoint down");
      return { items: pages.shift() ?? [] };
    },
    applyEvent: (event) => event.type.startsWith("job_"),
    isTerminal: (state) => state === "finished" || state === "stopped",
    stop: async () => {
      stops.push(clock.now());
    },
    counts: {},
  };
  return { poller, log, stops };
}

/** A record that says `running` until clock time `end`, then `after`. */
function until(end: number, after = "finished") {
  return (t: number) => (t >= end ? after : "running");
}
const noHistory: PollOptions = { history: false };

describe("pollJob", () => {
  it("reads the record on the 1 s grid until it says the end, reporting each change once", async () => {
    const clock = fakeClock();
    const { poller, log } = fakePoller(clock, { stateAt: until(3500) });
    const progress: WaitProgress[] = [];
    const outcome = await pollJob(
      "job",
      "7",
      URL,
      { ...noHistory, clock, onProgress: (p) => progress.push(p) },
      { ...poller, eventsUseful: () => false },
    );
    assert.deepEqual(log.records, [0, 1000, 2000, 3000, 4000]);
    assert.deepEqual(log.events, [], "events say nothing the record does not");
    assert.deepEqual(
      progress.map((p) => [p.state, p.elapsedMs]),
      [
        ["running", 0],
        ["finished", 4000],
      ],
    );
    assert.equal(outcome.elapsedMs(), 4000);
    assert.equal(outcome.call.counter.requests, 0, "the poller's requests count themselves");
  });

  it("reads the record at once after a job_* event, and takes messages and job_stopping from events", async () => {
    const clock = fakeClock();
    const pages = [
      [
        { id: "1", type: "node_running", message: "a started" },
        { id: "2", type: "job_stopping", details: { message: "stopping" } },
      ],
    ];
    const { poller, log } = fakePoller(clock, { stateAt: until(1000, "stopped"), pages });
    const progress: WaitProgress[] = [];
    await pollJob("job", "7", URL, { ...noHistory, clock, onProgress: (p) => progress.push(p) }, poller);
    assert.deepEqual(log.events, [1000]);
    assert.deepEqual(log.records, [0, 1000]);
    assert.deepEqual(
      progress.map((p) => [p.state, p.lastMessage]),
      [
        ["running", undefined],
        ["stopped", "stopping"],
      ],
    );
  });

  it("reads on while pages come full, from the event after the last one read", async () => {
    const clock = fakeClock();
    const page = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ id: String(from + i), type: "node_running" }));
    const pages = [page(1, 100), page(101, 100), [...page(201, 2), { id: "203", type: "job_finished" }]];
    const { poller, log } = fakePoller(clock, { stateAt: until(1000), pages });
    await pollJob("job", "7", URL, { ...noHistory, clock }, poller);
    assert.deepEqual(log.events, [1000, 1000, 1000]);
    assert.deepEqual(log.starts, [undefined, 101, 201]);
    assert.deepEqual(log.records, [0, 1000]);
  });

  it("sees an end the events never report within maxMs: the record is read when it would go unread longer", async () => {
    const clock = fakeClock();
    const { poller, log } = fakePoller(clock, { stateAt: until(7000) });
    await pollJob("job", "7", URL, { ...noHistory, clock }, poller);
    assert.deepEqual(log.records, [0, 5000, 10_000]);
    assert.equal(log.events.length, 10, "an events page at each poll");
  });

  it("leaves a failing events endpoint alone for 1, 2, 4, ... polls", async () => {
    const clock = fakeClock();
    const { poller, log } = fakePoller(clock, { stateAt: until(11_500), eventsFail: true });
    await pollJob("job", "7", URL, { ...noHistory, clock }, poller);
    assert.deepEqual(log.events, [1000, 3000, 6000, 11_000]);
    assert.deepEqual(log.records, [0, 5000, 10_000, 15_000]);
  });

  it("follows a history prediction: a few jumps to the window, then the record alone", async () => {
    const clock = fakeClock();
    const similar = () => ({ durationsMs: [10_000], basis: "same scope" });
    const { poller, log } = fakePoller(clock, { stateAt: until(10_000), similar });
    const outcome = await pollJob("job", "7", URL, { clock }, poller);
    assert.deepEqual(log.records, [3000, 10_000], "the history list gave the first state");
    assert.deepEqual(log.events, [1000, 3000], "none in the window");
    assert.equal(outcome.estimate()?.durationMs, 10_000);
    assert.equal(outcome.estimate()?.basis, "same scope");
  });

  it("with live history, follows a like job's end learnt on the way, and drops it once outlived", async () => {
    const clock = fakeClock();
    // a like job that took 2.5 s is seen to end at 1.5 s into this one; this one takes 20 s
    const similar = (t: number) => ({ durationsMs: t >= 1500 ? [2500] : [], basis: "same scope" });
    const { poller, log } = fakePoller(clock, { stateAt: until(20_000), similar });
    const outcome = await pollJob("job", "7", URL, { clock }, { ...poller, historyLive: true });
    const polls = [...new Set([...log.records, ...log.events])].sort((a, b) => a - b);
    assert.deepEqual(polls.slice(0, 3), [1000, 2000, 2500], `${polls}: from the grid to the learnt end`);
    // the first poll past the learnt window's far side (2.5 s + 2 × 100 ms) drops it
    const dropped = polls.findIndex((t) => t > 2700);
    const after = polls.slice(dropped + 1);
    assert.deepEqual(after.slice(0, 3), [4000, 5000, 6000], `${polls}: back on the 1 s grid, not sparser`);
    assert.ok(
      after.every((t, i) => i === 0 || t - after[i - 1] === 1000),
      `${polls}`,
    );
    assert.equal(outcome.estimate(), undefined, "the learnt estimate is dropped");
  });

  it("stops a job that outlives the deadline and says so", async () => {
    const clock = fakeClock();
    const { poller, stops } = fakePoller(clock, { stateAt: () => "running" });
    const error = await pollJob("job", "7", URL, { ...noHistory, clock, timeoutMs: 2500 }, poller).then(
      () => assert.fail("no deadline"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof JobWaitError);
    assert.equal(error.reason, "deadline");
    assert.equal(error.stopped, true);
    assert.equal(error.lastState, "running");
    assert.equal(error.jobUrl, URL);
    assert.deepEqual(stops, [2500]);
  });

  it("leaves the job running at the deadline with stopOnTimeout false", async () => {
    const clock = fakeClock();
    const { poller, stops } = fakePoller(clock, { stateAt: () => "running" });
    const options = { ...noHistory, clock, timeoutMs: 2500, stopOnTimeout: false };
    await assert.rejects(pollJob("job", "7", URL, options, poller), { reason: "deadline", stopped: false });
    assert.deepEqual(stops, []);
  });

  it("ends an aborted wait, stopping the job only when stopOnAbort says so", async () => {
    for (const stop of [false, true]) {
      const clock = fakeClock();
      const { poller, stops } = fakePoller(clock, { stateAt: () => "running" });
      const controller = new AbortController();
      const reason = new Error("cancelled");
      const options: PollOptions = {
        ...noHistory,
        clock,
        signal: controller.signal,
        stopOnAbort: (r) => r === reason && stop,
      };
      // cancelled while the job runs: during the poll at 2 s
      const fetchEvents: Poller["fetchEvents"] = async (start, call) => {
        if (clock.now() >= 2000) controller.abort(reason);
        return poller.fetchEvents(start, call);
      };
      await assert.rejects(pollJob("job", "7", URL, options, { ...poller, fetchEvents }), {
        name: "JobWaitError",
        reason: "aborted",
        stopped: stop,
        cause: reason,
      });
      assert.equal(clock.t, 2000, "ended at once, not at the next poll");
      assert.deepEqual(stops, stop ? [2000] : []);
    }
  });

  it("keeps a 404 on the first record read as it is: a wrong job id is the caller's mistake", async () => {
    const clock = fakeClock();
    const { poller } = fakePoller(clock, { stateAt: () => "running" });
    const notFound = new OrchestratorError({ method: "GET", path: "/jobs/7", status: 404 });
    const fetchRecord = async () => {
      throw notFound;
    };
    await assert.rejects(
      pollJob("job", "7", URL, { ...noHistory, clock }, { ...poller, fetchRecord }),
      notFound,
    );
  });

  it("turns a later failed record read into a JobWaitError with the last state", async () => {
    const clock = fakeClock();
    const { poller } = fakePoller(clock, { stateAt: () => "running" });
    const fetchRecord = async (call: Parameters<Poller["fetchRecord"]>[0]) => {
      if (clock.now() > 0) throw new Error("connection reset");
      return poller.fetchRecord(call);
    };
    await assert.rejects(pollJob("job", "7", URL, { ...noHistory, clock }, { ...poller, fetchRecord }), {
      name: "JobWaitError",
      reason: "request-failed",
      lastState: "running",
    });
  });

  it("gives each record read the wait's unreachable budget (5 min), or what is left before the deadline", async () => {
    for (const timeoutMs of [undefined, 60_000]) {
      const clock = fakeClock();
      const { poller } = fakePoller(clock, { stateAt: (t) => (t >= 3000 ? "finished" : "running") });
      const budgets: Array<number | undefined> = [];
      const fetchRecord = async (call: Parameters<Poller["fetchRecord"]>[0]) => {
        budgets.push(call.budgetMs);
        return poller.fetchRecord(call);
      };
      await pollJob("job", "7", URL, { ...noHistory, clock, timeoutMs }, { ...poller, fetchRecord });
      assert.ok(budgets.length >= 2);
      if (timeoutMs === undefined) assert.ok(budgets.every((b) => b === UNREACHABLE_BUDGET_MS));
      else
        assert.ok(
          budgets.every((b) => b !== undefined && b <= timeoutMs && b > 50_000),
          `${budgets}`,
        );
    }
  });
});
