import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";
import { call, finishedJob, finishedPlanJob, quietEmulator, waitFor } from "../helpers";
import {
  deployBody,
  edit,
  fromNow,
  getScheduled,
  planBody,
  scheduled,
  taskBody,
} from "./scheduled-job-bodies";

const TIME_SCALE = 100;
/** 10 world seconds at the time scale, in real ms. */
const TEN_SECONDS = 10_000 / TIME_SCALE;

interface JobItem {
  name: string;
  state: string;
  created_timestamp?: string;
  started_timestamp: string;
  options: Record<string, unknown>;
}

describe("emulator scheduled jobs: runs", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator({ timeScale: TIME_SCALE });
  });
  after(() => emu.stop());

  /** The /jobs jobs scheduled job `name` started, oldest first. */
  const startedBy = async (name: string): Promise<JobItem[]> =>
    ((await call(emu, "GET", "/jobs?order_by=name")).body.items as JobItem[]).filter(
      (j) => j.options["scheduled-job-id"] === name,
    );

  it("a 10-second interval schedule starts three jobs, marked with its id; last_run and next_run move", async () => {
    const start = fromNow(300, true);
    const name = await scheduled(
      emu,
      deployBody({ schedule: { start_time: start, interval: { units: "seconds", value: 10 } } }),
    );
    const seen = new Set<string>();
    const last = await waitFor(
      () => getScheduled(emu, name),
      (item) => {
        if (item.last_run) {
          seen.add(item.last_run.job.name);
          // runs and the next run are on the grid start_time + k * 10 s (at the time scale), in order
          const [lastAt, nextAt] = [item.last_run.time, item.next_run.time].map((t) => Date.parse(t));
          assert.ok(nextAt > lastAt);
          for (const t of [lastAt, nextAt]) assert.equal((t - Date.parse(start)) % TEN_SECONDS, 0);
        }
        return seen.size >= 3;
      },
    );
    const jobs = await startedBy(name);
    assert.ok(jobs.length >= 3, `${jobs.length} jobs`);
    assert.equal(last.last_run.job.id, `${emu.apiUrl}/jobs/${last.last_run.job.name}`);
    assert.ok(jobs.some((j) => j.name === last.last_run.job.name));
    // they are jobs like any other: the schedule's input, description and userdata; they run and end
    const first = await finishedJob(emu, jobs[0].name);
    assert.equal(first.state, "finished");
    assert.equal(first.type, "deploy");
    assert.equal(first.owner.login, "admin");
    assert.equal(first.options.noop, true);
    assert.deepEqual(first.options.scope, { nodes: ["node1.example.com"] });
    assert.equal(first.description, "nightly noop run");
    assert.deepEqual(first.userdata, { ticket: "CHG-1" });
    const starts = jobs.map((j) => Date.parse(j.started_timestamp));
    assert.ok(starts.every((t, i) => i === 0 || t >= starts[i - 1]));
    await edit(emu, name, { enabled: false });
  });

  it("twenty schedules on one timer each run on their own grid", async () => {
    const starts = Array.from({ length: 20 }, (_, i) => fromNow(200 + 7 * i, true));
    const names = await Promise.all(
      starts.map((start_time, i) =>
        scheduled(
          emu,
          planBody({
            input: { name: "demo::slow", parameters: {} },
            schedule: { start_time, interval: { units: "seconds", value: 10 + (i % 3) } },
          }),
        ),
      ),
    );
    const items = await waitFor(
      () => Promise.all(names.map((n) => getScheduled(emu, n))),
      (all) =>
        all.every(
          (i) => i.last_run !== null && Date.parse(i.last_run.time) > Date.parse(i.schedule.start_time),
        ),
    );
    for (const item of items) {
      const every = (item.schedule.interval.value * 1000) / TIME_SCALE;
      for (const t of [item.last_run.time, item.next_run.time])
        assert.equal((Date.parse(t) - Date.parse(item.schedule.start_time)) % every, 0, item.name);
      await edit(emu, item.name, { enabled: false });
    }
    const plans = (await call(emu, "GET", "/plan_jobs")).body.items as Array<{ name: string; state: string }>;
    for (const p of plans.filter((j) => j.state === "running"))
      await call(emu, "POST", "/command/stop_plan", { body: { plan_job: p.name } });
  });

  it("a disabled schedule stops running", async () => {
    const name = await scheduled(
      emu,
      deployBody({ schedule: { start_time: fromNow(100, true), interval: { units: "seconds", value: 10 } } }),
    );
    await waitFor(
      () => startedBy(name),
      (jobs) => jobs.length >= 2,
    );
    assert.equal((await edit(emu, name, { enabled: false })).status, 200);
    const count = (await startedBy(name)).length;
    const item = await getScheduled(emu, name);
    assert.equal(item.next_run, null);
    await new Promise((r) => setTimeout(r, 8 * TEN_SECONDS));
    assert.equal((await startedBy(name)).length, count);
    assert.deepEqual(await getScheduled(emu, name), item);
  });

  it("a run-once task runs once (next_run null after); its job keeps only the non-sensitive params", async () => {
    const name = await scheduled(
      emu,
      taskBody({ schedule: { start_time: fromNow(150, true), interval: null } }),
    );
    const item = await waitFor(
      () => getScheduled(emu, name),
      (i) => i.last_run !== null,
    );
    assert.equal(item.next_run, null);
    assert.equal(item.enabled, true);
    const job = await finishedJob(emu, item.last_run.job.name);
    assert.equal(job.state, "finished");
    assert.equal(job.type, "task");
    assert.equal(job.options["scheduled-job-id"], name);
    assert.equal(job.options.task, "package");
    assert.deepEqual(job.options.params, { action: "status" });
    assert.deepEqual(job.options.sensitive, ["name"]);
    const text = (await call(emu, "GET", `/jobs/${job.name}`)).text;
    assert.ok(!text.includes("secret-httpd"));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await startedBy(name)).length, 1);
  });

  it("a plan schedule starts a plan job carrying options.scheduled_job_id", async () => {
    const name = await scheduled(
      emu,
      planBody({ schedule: { start_time: fromNow(100, true), interval: null } }),
    );
    const item = await waitFor(
      () => getScheduled(emu, name),
      (i) => i.last_run !== null,
    );
    assert.match(item.last_run.job.id, new RegExp(`/plan_jobs/${item.last_run.job.name}$`));
    const pj = await finishedPlanJob(emu, item.last_run.job.name);
    assert.equal(pj.state, "success");
    assert.equal(pj.options.scheduled_job_id, name);
    assert.equal(pj.options.plan_name, "facts::info");
    assert.deepEqual(pj.options.parameters, { targets: "node1.example.com" });
    assert.equal(pj.options.description, "facts");
  });

  it("jobs not started by a schedule carry the keys as null", async () => {
    const job = (
      await call(emu, "POST", "/command/deploy", {
        body: { environment: "production", scope: { nodes: ["node1.example.com"] } },
      })
    ).body.job.name;
    assert.equal((await call(emu, "GET", `/jobs/${job}`)).body.options["scheduled-job-id"], null);
    const plan = (await call(emu, "POST", "/command/plan_run", { body: { plan_name: "demo::slow" } })).body
      .name;
    assert.equal((await call(emu, "GET", `/plan_jobs/${plan}`)).body.options.scheduled_job_id, null);
    await call(emu, "POST", "/command/stop_plan", { body: { plan_job: plan } });
  });
});
