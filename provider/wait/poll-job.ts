import { callerEstimate, type DurationEstimate } from "./estimate-job-duration";
import { type JobKind, JobWaitError, OrchestratorError } from "../pe/http/errors";
import { NEW_JOB_STATE } from "./job-sketch";
import { parseHistoryOption } from "./history-option";
import { DEFAULT_POLL_POLICY, nextPollAt, type PollPolicy } from "./next-poll-delay";
import type { CallOptions } from "../pe/orchestrator-client";
import type { EventsPage, OrchestratorEvent } from "../pe/schemas";
import type { PlanStepProgress } from "./plan-steps";
import { type EndWindow, endWindowOf, historyEstimate, windowPhase } from "./predict-job-end";
import type { HistoryHints, SimilarRuns } from "./similar-job-durations";
import { sleep } from "../pe/http/sleep";
import type { PlanStopOutcome } from "../pe/stop-plan-job";

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep };

export interface WaitProgress {
  jobName: string;
  state: string;
  /** jobs: count per node state, as known from the job record and the events since */
  nodeStates: Record<string, number>;
  lastMessage?: string;
  elapsedMs: number;
  /** the predicted duration the poll schedule follows, when there is one */
  estimate?: DurationEstimate;
  /** plan jobs: the step running now (then `nodeStates` are its task job's) */
  step?: PlanStepProgress;
}

/** What the wait loop itself heeds of the wait's options (`WaitOptions` adds what the job's sources use). */
export interface PollOptions {
  /** give up after this long: the job is stopped and a JobWaitError thrown */
  timeoutMs?: number;
  /** stop the job when the timeout passes (default true) */
  stopOnTimeout?: boolean;
  /** ends the wait (JobWaitError `aborted`); the job keeps running unless `stopOnAbort` says otherwise */
  signal?: AbortSignal;
  /**
   * Asked with the signal's reason when the wait is aborted: true stops the job too, the way the deadline does
   * (`/command/stop`, `/command/stop_plan`), within a second (e.g. the user set `stopOnCancel`).
   */
  stopOnAbort?: (reason: unknown) => boolean;
  onProgress?: (progress: WaitProgress) => void;
  /**
   * How long the job is expected to take, e.g. the previous run's duration. Lets the wait poll
   * rarely while the end is far and densely around it. Given, it replaces the history estimate.
   */
  expectedDurationMs?: number;
  /**
   * Without `expectedDurationMs` the wait predicts the end from recent runs of the same job (one
   * `GET /jobs` or `GET /plan_jobs` at the start): same command, environment and scope, or same plan,
   * environment and parameters. Hints override what the job's record says; `false` skips the request.
   */
  history?: HistoryHints | false;
  /** clock time the job was started (default: when the wait starts); the expected end counts from it */
  startedAt?: number;
  poll?: Partial<PollPolicy>;
  /** injectable for tests and time-scaled benchmarks */
  clock?: Clock;
}

/** What the loop asks of the job it waits on: a job's or a plan job's requests and what their answers say. */
export interface Poller {
  /** fetches the job record, returns its state */
  fetchRecord(call: CallOptions): Promise<string>;
  /** lists recent jobs; the state is the waited-for job's when the list has it (its record is then known) */
  fetchHistory(
    hints: HistoryHints,
    call: CallOptions,
  ): Promise<{ state?: string; similar: () => SimilarRuns }>;
  /** the history's jobs are seen as they stand now (`recentNow`): with nothing predicted, each poll looks again */
  historyLive?: boolean;
  /** jobs: an estimate from what the job's nodes took in their last Puppet runs, when there is no history */
  fetchNodeRuns?(call: CallOptions): Promise<DurationEstimate | undefined>;
  fetchEvents(start: number | undefined, call: CallOptions): Promise<EventsPage>;
  /** applies one event read `readAt` ms after the job started; true when it suggests the job has ended */
  applyEvent(event: OrchestratorEvent, readAt: number): boolean;
  /** the job's duration extrapolated from its progress, at `now` ms after it started */
  estimate?(now: number): DurationEstimate | undefined;
  /** false while events would tell nothing the record does not (a one-node job): the polls read the record */
  eventsUseful?(): boolean;
  /** the caller described the job it just started: no record read before the first poll */
  sketched?: boolean;
  /**
   * reads what the progress needs beyond the events (a plan's running step), once per poll, and once more
   * when the job has `ended`, so that its last progress is not what the step was before it ended
   */
  refresh?(call: CallOptions, now: number, ended: boolean): Promise<void>;
  /** plan jobs: the step running now */
  step?(): PlanStepProgress | undefined;
  isTerminal(state: string): boolean;
  /** stops the job (a plan job: with the task jobs it started, which are then reported) */
  stop(call: CallOptions): Promise<PlanStopOutcome | unknown>;
  counts: Record<string, number>;
}

/** The wait's end, for the caller's last requests (the node summary, the plan's task jobs). */
export interface PollOutcome {
  /** the wait's request options, its request count included */
  call: CallOptions & { counter: { requests: number } };
  elapsedMs(): number;
  /** the last predicted duration the wait followed, if any */
  estimate(): DurationEstimate | undefined;
  /** throws the JobWaitError a failure after the loop makes */
  fail(reason: "aborted" | "request-failed", cause: unknown): never;
}

/**
 * How long a wait's poll keeps trying while PE does not answer (refused, 5xx, no answer): a PE restart takes a
 * few minutes. Past it the wait fails, the job recorded, and the next `up` waits for it again.
 */
export const UNREACHABLE_BUDGET_MS = 5 * 60_000;
/** Time a stop sent because the wait was aborted may take: the caller is being cancelled. */
const STOP_ON_ABORT_MS = 1_000;
/** Polls without events after the events endpoint failed, doubling per failure in a row, up to this. */
const MAX_EVENTS_PAUSE_POLLS = 8;
/**
 * Events pages read back to back in one poll while they come full (the server has more): a wait that
 * falls behind would stamp old node starts and ends with the time it reads them, and the progress
 * estimate would extrapolate from a job that no longer exists (10,000 nodes make 20,000 events).
 */
const MAX_PAGES_PER_POLL = 8;
/** A page this long or longer that is as long as the longest so far is taken as full. */
const MIN_FULL_PAGE = 100;

/**
 * Polls the job `name` (at `url`, for errors) through `p` until `p.isTerminal` says its state is the end, on
 * the schedule its predicted end gives; stops it at the deadline, or when aborted and `stopOnAbort` says so.
 */
export async function pollJob(
  kind: JobKind,
  name: string,
  url: string,
  options: PollOptions,
  p: Poller,
): Promise<PollOutcome> {
  const clock = options.clock ?? systemClock;
  const policy = { ...DEFAULT_POLL_POLICY, ...options.poll };
  const history = parseHistoryOption(options.history);
  const start = clock.now();
  const jobStart = options.startedAt ?? start;
  const deadline = options.timeoutMs === undefined ? undefined : start + options.timeoutMs;
  let estimate: DurationEstimate | undefined =
    options.expectedDurationMs === undefined ? undefined : callerEstimate(options.expectedDurationMs);
  const call = { signal: options.signal, counter: { requests: 0 } };
  // the job's record is what the wait cannot do without: its polls outlast a PE restart (not the deadline)
  const recordCall = () => ({
    ...call,
    budgetMs:
      deadline === undefined
        ? UNREACHABLE_BUDGET_MS
        : Math.max(1_000, Math.min(UNREACHABLE_BUDGET_MS, deadline - clock.now())),
  });
  let state: string | undefined;
  const fail = (reason: "aborted" | "request-failed", cause: unknown): never => {
    if (cause instanceof JobWaitError) throw cause;
    throw new JobWaitError({
      jobKind: kind,
      jobName: name,
      jobUrl: url,
      reason,
      stopped: false,
      lastState: state,
      cause,
    });
  };
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (cause) {
      if (options.signal?.aborted) return fail("aborted", options.signal.reason);
      // a wrong job id is the caller's mistake, not a wait problem: keep the plain 404
      if (state === undefined && cause instanceof OrchestratorError && cause.status === 404) throw cause;
      return fail("request-failed", cause);
    }
  };
  // The one way the wait stops a job, at its deadline or when aborted with `stopOnAbort`.
  // A plan job's stop also stops its task jobs, and says which (the error lists them).
  const stopJob = (
    signal: AbortSignal | undefined,
  ): Promise<{ stopped: boolean } & Partial<PlanStopOutcome>> =>
    p.stop({ signal, counter: call.counter }).then(
      (result) => ({ stopped: true, ...(isPlanStopOutcome(result) ? result : {}) }),
      () => ({ stopped: false }),
    );

  try {
    await follow();
  } catch (error) {
    const reason = options.signal?.reason;
    if (error instanceof JobWaitError && error.reason === "aborted" && options.stopOnAbort?.(reason)) {
      const stopOutcome = await stopJob(AbortSignal.timeout(STOP_ON_ABORT_MS));
      throw new JobWaitError({
        ...stopOutcome,
        jobKind: kind,
        jobName: name,
        jobUrl: url,
        reason: "aborted",
        lastState: state,
        cause: reason,
      });
    }
    throw error;
  }
  return {
    call,
    elapsedMs: () => clock.now() - start,
    estimate: current,
    fail,
  };

  // live progress beats history: it describes this run
  function current() {
    return p.estimate?.(clock.now() - jobStart) ?? estimate;
  }

  async function follow(): Promise<void> {
    let found: Awaited<ReturnType<Poller["fetchHistory"]>> | undefined;
    // an estimate found after the start (from `recentNow`), and whether the job has outlived it
    let learned: "in use" | "dropped" | undefined;
    if (estimate === undefined && history !== false) {
      // history only sharpens the schedule: a server that refuses the list (permissions, old PE) costs nothing
      found = await p.fetchHistory(history, call).catch(() => {
        if (options.signal?.aborted) return fail("aborted", options.signal.reason);
        return undefined;
      });
      state = found?.state ?? (p.sketched ? NEW_JOB_STATE : undefined);
      if (state === undefined) state = await guarded(() => p.fetchRecord(recordCall()));
      if (found) estimate = historyEstimate(found.similar());
      // a job like no other earlier one: what its nodes took last time (a failed look-up costs nothing)
      if (estimate === undefined && p.fetchNodeRuns) {
        estimate = await p.fetchNodeRuns(call).catch(() => {
          if (options.signal?.aborted) return fail("aborted", options.signal.reason);
          return undefined;
        });
      }
    } else {
      state = p.sketched ? NEW_JOB_STATE : await guarded(() => p.fetchRecord(recordCall()));
    }
    // a sketched job's record was as good as read when it was created
    let recordAt = p.sketched ? start : clock.now();
    // polls are planned from when the previous one was sent, so round trips do not stretch the schedule
    let polledAt = start;
    let nextStart: number | undefined;
    let progressAt = start;
    let lastMessage: string | undefined;
    let reported = "";
    const report = () => {
      const progress: WaitProgress = {
        jobName: name,
        state: state!,
        nodeStates: { ...p.counts },
        lastMessage,
        elapsedMs: clock.now() - start,
        estimate: current(),
        step: p.step?.(),
      };
      const key = JSON.stringify([progress.state, progress.nodeStates, lastMessage, progress.step]);
      if (key !== reported) {
        reported = key;
        options.onProgress?.(progress);
      }
    };
    report();

    // The window around a predicted end is fixed when the wait enters it: a prediction recomputed from
    // `now` while no new events are read (progress: "the overdue runs end now") slides along with the
    // clock and would keep the wait polling every `aroundEndMs` until the job really ends.
    let window: EndWindow | undefined;
    // the first window the job outlived: from then on the interval is at least the one its overrun
    // calls for, whatever later predictions say
    let missed: EndWindow | undefined;
    let longestPage = 0;
    const currentTarget = (): EndWindow | undefined => window ?? endWindowOf(current(), jobStart);
    /** When the poll after one sent at `at` is due, on the schedule. */
    const pollAfter = (at: number) =>
      nextPollAt(at, {
        jobStart,
        progressAt,
        target: currentTarget(),
        missed,
        // a prediction from history or the caller does not improve with early polls; one from progress does
        settled: current()?.source !== "progress",
        policy,
      });

    // Events said the job ended: its record is read at each poll until it agrees, the polls backing off
    // from `minMs` (a record that lags its events must not cost a request every 50 ms).
    let wantRecord = false;
    let recheckMs = policy.minMs;
    // The events endpoint failed: it is left alone for a few polls (doubling per failure in a row).
    let eventsFailures = 0;
    let eventsPause = 0;
    while (!p.isTerminal(state)) {
      const now = clock.now();
      if (deadline !== undefined && now >= deadline) {
        const stopOutcome =
          options.stopOnTimeout !== false ? await stopJob(options.signal) : { stopped: false };
        throw new JobWaitError({
          ...stopOutcome,
          jobKind: kind,
          jobName: name,
          jobUrl: url,
          reason: "deadline",
          lastState: state,
          detail: `${Math.round((options.timeoutMs ?? 0) / 1000)} s`,
        });
      }
      // nothing predicted yet: a job like this one may have ended since (no request; see `recentNow`)
      if (estimate === undefined && found && !learned && p.historyLive) {
        estimate = historyEstimate(found.similar());
        learned = estimate !== undefined ? "in use" : undefined;
      }
      const target = currentTarget();
      let delay = pollAfter(polledAt) - now;
      if (wantRecord) delay = Math.min(delay, polledAt + recheckMs - now);
      delay = Math.max(0, deadline === undefined ? delay : Math.min(delay, deadline - now));
      await guarded(() => clock.sleep(delay, options.signal));
      polledAt = clock.now();

      // around the predicted end only the state matters: one record read says "done" where an events
      // page would need a second request for the record. The window is entered once; past its far
      // side the job has outlived the prediction and the wait reads events again. A job whose
      // events say nothing the record does not (one node) has its record read at every poll instead.
      let nearEnd = false;
      const phase = target && !missed ? windowPhase(target, polledAt) : undefined;
      if (phase === "past" && learned === "in use" && current() === estimate) {
        // a like job's run, learnt on the way, that this one outlived: back to the grid, not the overrun's
        // sparser polls (one sibling's run predicts less than the history read at the start)
        estimate = undefined;
        learned = "dropped";
        window = undefined;
      } else if (phase === "past") {
        missed = target;
        window = undefined;
      } else if (phase === "inside") {
        window = target;
        nearEnd = true;
      }
      // Events feed progress and may tell of the end early; they never decide it alone: the record is also
      // read whenever skipping it would leave it unread for more than `maxMs` by the next poll, so an end the
      // events never report (empty, cut short, failing, lost in a restart) is seen within `maxMs`, or at the
      // next poll when the schedule itself is sparser (far from a predicted end).
      const recordOnly = nearEnd || p.eventsUseful?.() === false;
      const readEvents = !wantRecord && !recordOnly;
      if (readEvents && eventsPause > 0) eventsPause--;
      else if (readEvents) {
        for (let pages = 0; pages < MAX_PAGES_PER_POLL; pages++) {
          let page: EventsPage;
          try {
            page = await p.fetchEvents(nextStart, { ...call, retry: false });
          } catch {
            if (options.signal?.aborted) return fail("aborted", options.signal.reason);
            eventsFailures++;
            eventsPause = Math.min(MAX_EVENTS_PAUSE_POLLS, 2 ** (eventsFailures - 1));
            break;
          }
          eventsFailures = 0;
          if (page.items.length > 0) progressAt = clock.now();
          const at = clock.now() - jobStart;
          for (const event of page.items) {
            const id = Number(event.id);
            if (Number.isFinite(id)) nextStart = Math.max(nextStart ?? 0, id + 1);
            if (event.message) lastMessage = event.message;
            else if (typeof event.details?.message === "string") lastMessage = event.details.message;
            if (event.type === "job_stopping") state = "stopping";
            if (p.applyEvent(event, at)) wantRecord = true;
          }
          // a full page: the server has more, read on so the progress seen is the job's current one
          const full = page.items.length >= Math.max(MIN_FULL_PAGE, longestPage);
          longestPage = Math.max(longestPage, page.items.length);
          if (!full || nextStart === undefined || wantRecord) break;
        }
      }
      if (wantRecord || recordOnly || pollAfter(polledAt) - recordAt > policy.maxMs) {
        const lagging = wantRecord;
        state = await guarded(() => p.fetchRecord(recordCall()));
        recordAt = clock.now();
        wantRecord = wantRecord && !p.isTerminal(state);
        recheckMs = lagging && wantRecord ? Math.min(policy.maxMs, recheckMs * 2) : policy.minMs;
      }
      if (p.refresh) await p.refresh(call, clock.now(), p.isTerminal(state));
      report();
    }
  }
}

const isPlanStopOutcome = (value: unknown): value is PlanStopOutcome =>
  typeof value === "object" && value !== null && Array.isArray((value as PlanStopOutcome).taskJobsStopped);
