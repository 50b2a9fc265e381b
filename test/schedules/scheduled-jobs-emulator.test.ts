import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import type { Host, Props } from "../../provider/resource/host";
import type { ResourceOperations } from "../../provider/resource/resource-operations";
import { SENSITIVE_PARAMS_KEY } from "../../provider/resource/output-keys";
import { scheduledDeploy } from "../../provider/schedules/scheduled-deploy";
import { scheduledJobOperations } from "../../provider/schedules/scheduled-job-operations";
import { scheduledPlan } from "../../provider/schedules/scheduled-plan";
import { scheduledTask } from "../../provider/schedules/scheduled-task";
import { ScheduledJobsClient } from "../../provider/pe";
import { readInFlight, writeInFlight } from "../../provider/recovery/in-flight-journal";
import { MARKER_KEY } from "../../provider/recovery/job-marker";
import { clientFor, startTestEmulator } from "../support/emulator";

const HOUR = 3_600_000;
const later = (ms = HOUR) => new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString();
const SCHEDULED = "/orchestrator/v1/scheduled_jobs/environment_jobs";

/** A host of its own: a new provider process, with its own clients and shared lists. */
function hostFor(emu: Emulator, logs: string[] = []): Host {
  return {
    providerConfig: () => ({ serviceUrl: emu.url, cacert: emu.caFile, token: emu.adminToken }),
    log: async (message) => void logs.push(message),
    signal: () => new AbortController().signal,
  };
}

/** What the engine would store as the resource's inputs after check, and its outputs after create. */
const userKeys = (props: Props) =>
  Object.fromEntries(Object.entries(props).filter(([key]) => !key.startsWith("__")));

describe("scheduled jobs against the emulator (HTTPS): the operations", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let pe: ScheduledJobsClient;
  let tasks: ResourceOperations;
  const nightly = () => ({
    task: "package",
    params: { action: "status", name: "openssl" },
    nodes: ["node1.example.com"],
    schedule: { startTime: later(), intervalSeconds: 86400 },
    description: "nightly",
    [SENSITIVE_PARAMS_KEY]: ["name"],
  });

  before(async () => {
    emu = await startTestEmulator({ timeScale: 100 });
    pe = new ScheduledJobsClient(clientFor(emu));
    tasks = scheduledJobOperations(scheduledTask, hostFor(emu));
  });
  after(async () => {
    pe?.orchestrator.close();
    await emu?.stop();
  });

  it("create POSTs once, secret params sensitive; a read finds no drift", async () => {
    const inputs = nightly();
    const { id, outs } = await tasks.create(undefined, inputs);
    const item = await pe.get(id);
    assert.deepEqual(item.input?.parameters, { action: "status" });
    assert.deepEqual(item.input?.sensitive_parameters, ["name"]);
    assert.equal(outs.scheduledJobId, id);
    assert.equal(outs.url, `${emu.apiUrl}/scheduled_jobs/environment_jobs/${id}`);
    assert.equal(outs.enabled, true);
    assert.equal(outs.owner, "admin");
    assert.equal(typeof outs.nextRun, "string");
    assert.deepEqual(outs.sensitiveParameters, ["name"]);
    assert.equal(JSON.stringify(outs).includes("secret"), false);
    const read = await scheduledJobOperations(scheduledTask, hostFor(emu)).read(undefined, id, {
      ...outs,
      [SENSITIVE_PARAMS_KEY]: ["name"],
    });
    assert.deepEqual(userKeys(read.props), userKeys(outs));
    assert.equal((await tasks.diff(undefined, id, read.props, inputs)).changes, false);
  });

  it("a change updates in place: a PUT of the changed key alone, then put back what the console edited", async () => {
    const inputs = nightly();
    const { id, outs } = await tasks.create(undefined, inputs);
    const changed = {
      ...inputs,
      description: "weekly",
      schedule: { ...inputs.schedule, intervalSeconds: 604800 },
    };
    const diff = await tasks.diff(undefined, id, outs, changed);
    assert.deepEqual([diff.changes, diff.replaces], [true, []]);
    const before = emu.requests.length;
    const updated = await tasks.update(undefined, id, outs, changed);
    const made = emu.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(made.slice(0, 2), [`PUT ${SCHEDULED}/${id}`, `GET ${SCHEDULED}/${id}`]);
    const item = await pe.get(id);
    assert.equal(item.description, "weekly");
    assert.deepEqual(item.schedule.interval, { units: "seconds", value: 604800 });
    // the sensitive param was not sent again: PE still holds it
    assert.deepEqual(item.input?.sensitive_parameters, ["name"]);

    // edited in the console: a read shows it under the input's name, the next update puts it back
    await pe.update(id, { description: "edited by hand" });
    const read = await scheduledJobOperations(scheduledTask, hostFor(emu)).read(undefined, id, updated.outs);
    assert.equal(read.props.description, "edited by hand");
    assert.deepEqual(read.props.params, inputs.params, "secret values kept from state");
    const again = await tasks.diff(undefined, id, read.props, changed);
    assert.deepEqual([again.changes, again.replaces], [true, []]);
    await tasks.update(undefined, id, read.props, changed);
    assert.equal((await pe.get(id)).description, "weekly");
  });

  it("disabled in the console: a read shows enabled false, the diff replaces; destroy disables (twice is fine)", async () => {
    const inputs = nightly();
    const { id, outs } = await tasks.create(undefined, inputs);
    await pe.update(id, { enabled: false });
    const read = await scheduledJobOperations(scheduledTask, hostFor(emu)).read(undefined, id, outs);
    assert.equal(read.props.enabled, false);
    assert.equal(read.props.nextRun, undefined);
    assert.deepEqual((await tasks.diff(undefined, id, read.props, inputs)).replaces, ["enabled"]);
    await tasks.delete(undefined, id, read.props);

    const other = await tasks.create(undefined, nightly());
    await tasks.delete(undefined, other.id, other.outs);
    assert.equal((await pe.get(other.id)).enabled, false);
    await tasks.delete(undefined, other.id, other.outs);
    // a schedule PE does not know is gone
    assert.equal((await tasks.read(undefined, "99999", other.outs)).id, "");
  });

  it("enabled: false creates it and disables it; a refresh of many lists them once", async () => {
    const host = hostFor(emu);
    const ops = scheduledJobOperations(scheduledTask, host);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await ops.create(undefined, { ...nightly(), enabled: i !== 0 }));
    assert.equal((await pe.get(made[0].id)).enabled, false);
    const fresh = scheduledJobOperations(scheduledTask, hostFor(emu));
    const before = emu.requests.length;
    await Promise.all(made.map((m) => fresh.read(undefined, m.id, m.outs)));
    const reads = emu.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(reads, [`GET ${SCHEDULED}`]);
  });

  it("a read after a write of the same process lists the schedules again: never the list from before it", async () => {
    const ops = scheduledJobOperations(scheduledTask, hostFor(emu));
    const inputs = nightly();
    const { id, outs } = await ops.create(undefined, inputs);
    const read = await ops.read(undefined, id, outs);
    assert.equal(read.props.description, "nightly");
    const updated = await ops.update(undefined, id, outs, { ...inputs, description: "weekly" });
    const before = emu.requests.length;
    const again = await ops.read(undefined, id, updated.outs);
    assert.equal(again.props.description, "weekly");
    const reads = emu.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(reads, [`GET ${SCHEDULED}`]);
  });

  it("a create the engine never recorded (a crash) is taken by the next create: no second schedule", async () => {
    const saved = process.env.PE_ORCHESTRATOR_JOURNAL_DIR;
    const journal = fs.mkdtempSync(path.join(os.tmpdir(), "pe-journal-"));
    process.env.PE_ORCHESTRATOR_JOURNAL_DIR = journal;
    try {
      const urn = "urn:pulumi:dev::sched::pe:index:ScheduledTask::nightly";
      const inputs = nightly();
      const posts = () => emu.requests.filter((r) => r.method === "POST" && r.path === SCHEDULED).length;
      const first = await scheduledJobOperations(scheduledTask, hostFor(emu)).create(urn, inputs);
      assert.equal(
        MARKER_KEY in ((await pe.get(first.id)).userdata ?? {}),
        true,
        "PE's record carries the marker",
      );

      // the engine died before recording it: the next run's provider process creates again
      const logs: string[] = [];
      const before = posts();
      const again = await scheduledJobOperations(scheduledTask, hostFor(emu, logs)).create(urn, inputs);
      assert.equal(again.id, first.id);
      assert.equal(posts(), before);
      assert.match(
        logs.join("\n"),
        new RegExp(`took scheduled job ${first.id}, created by an interrupted run`),
      );

      // killed between the POST and its answer: the journal knows no id, the marker finds it in PE's list
      const entry = readInFlight(urn);
      assert.ok(entry?.jobId);
      writeInFlight({ ...entry, jobId: undefined });
      const ops = scheduledJobOperations(scheduledTask, hostFor(emu));
      const third = await ops.create(urn, inputs);
      assert.equal(third.id, first.id);
      assert.equal(posts(), before);
      // the marker is not the user's userdata: no drift
      const read = await ops.read(urn, third.id, third.outs);
      assert.equal(read.props.userdata, undefined);
      assert.equal((await ops.diff(urn, third.id, read.props, inputs)).changes, false);

      // other inputs are another schedule; once the engine has it (a diff), the journal forgets it
      const other = await ops.create(urn, { ...inputs, description: "another" });
      assert.notEqual(other.id, first.id);
      assert.equal(posts(), before + 1);
      await ops.diff(urn, other.id, other.outs, { ...inputs, description: "another" });
      assert.equal(readInFlight(urn), undefined);
    } finally {
      if (saved === undefined) delete process.env.PE_ORCHESTRATOR_JOURNAL_DIR;
      else process.env.PE_ORCHESTRATOR_JOURNAL_DIR = saved;
      fs.rmSync(journal, { recursive: true, force: true });
    }
  });

  it("adopts a schedule made outside: by import (the inputs it has) and by importScheduledJobId (made as declared)", async () => {
    const logs: string[] = [];
    const ops = scheduledJobOperations(scheduledTask, hostFor(emu, logs));
    const start = later(2 * HOUR);
    const made = await pe.create({
      type: "task",
      input: {
        name: "package",
        parameters: { action: { value: "status" }, name: { value: "httpd", sensitive: true } },
        scope: { nodes: ["node1.example.com"] },
      },
      environment: "production",
      schedule: { start_time: start, interval: null },
      description: "from the console",
      userdata: {},
    });
    const id = made.scheduled_job.name;
    const adopted = await ops.adopt(undefined, id);
    assert.deepEqual(adopted.inputs, {
      task: "package",
      params: { action: "status" },
      environment: "production",
      nodes: ["node1.example.com"],
      schedule: { startTime: start },
      description: "from the console",
    });
    assert.match(logs.join("\n"), /params name of scheduled job \d+ as sensitive/);

    const declared = { ...nightly(), schedule: { startTime: start }, importScheduledJobId: id };
    const before = emu.requests.filter((r) => r.method !== "GET").length;
    const { id: kept } = await ops.create(undefined, declared);
    assert.equal(kept, id);
    assert.equal(emu.requests.filter((r) => r.method !== "GET").length - before, 1, "one PUT, no POST");
    assert.equal((await pe.get(id)).description, "nightly");
  });

  it("check: params against the task's metadata, a past run-once start, and what the jobs will run on", async () => {
    const logs: string[] = [];
    const ops = scheduledJobOperations(scheduledTask, hostFor(emu, logs));
    const bad = await ops.check(undefined, {}, { ...nightly(), params: { action: "status", nmae: "x" } });
    assert.match(bad.failures.map((f) => f.reason).join("\n"), /task package has no parameter 'nmae'/);
    const past = await ops.check(
      undefined,
      {},
      { ...nightly(), schedule: { startTime: "2020-01-01T00:00:00Z" } },
    );
    assert.deepEqual(
      past.failures.map((f) => f.property),
      ["schedule.startTime"],
    );
    const ok = await ops.check(
      undefined,
      {},
      { ...nightly(), nodes: ["node1.example.com", "offline.example.com"] },
    );
    assert.deepEqual(ok.failures, []);
    const text = logs.join("\n");
    assert.match(text, /will run task package in production every 86400 s from .* on 2 nodes/);
    assert.match(text, /not connected to the orchestrator: offline.example.com/);
    assert.match(text, /destroy` disables it/);
    // no change of the schedule: a past start is not judged again
    const stored = { ...nightly(), schedule: { startTime: "2020-01-01T00:00:00Z" } };
    assert.deepEqual((await ops.check(undefined, stored, { ...stored, description: "x" })).failures, []);
  });

  it("a deploy and a plan: created and read back without drift", async () => {
    const deploys = scheduledJobOperations(scheduledDeploy, hostFor(emu));
    const deploy = {
      environment: "production",
      nodes: ["node1.example.com"],
      noop: true,
      tags: ["a", "b"],
      schedule: { startTime: later() },
    };
    const d = await deploys.create(undefined, deploy);
    assert.deepEqual((await pe.get(d.id)).input, {
      scope: { nodes: ["node1.example.com"] },
      noop: true,
      tags: "a,b",
    });
    const dr = await scheduledJobOperations(scheduledDeploy, hostFor(emu)).read(undefined, d.id, d.outs);
    assert.equal((await deploys.diff(undefined, d.id, dr.props, deploy)).changes, false);

    const plans = scheduledJobOperations(scheduledPlan, hostFor(emu));
    const plan = {
      planName: "facts::info",
      params: { targets: "node1.example.com" },
      schedule: { startTime: later() },
    };
    const p = await plans.create(undefined, plan);
    const pr = await scheduledJobOperations(scheduledPlan, hostFor(emu)).read(undefined, p.id, p.outs);
    assert.equal((await plans.diff(undefined, p.id, pr.props, plan)).changes, false);
  });

  it("a run's job and its state show in lastRun", async () => {
    const ops = scheduledJobOperations(scheduledTask, hostFor(emu));
    const soon = new Date(Date.now() + 1500).toISOString();
    const { id, outs } = await ops.create(undefined, { ...nightly(), schedule: { startTime: soon } });
    let lastRun: { jobId?: string; jobState?: string; jobUrl?: string } | undefined;
    for (let i = 0; i < 40 && !lastRun?.jobState; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const read = await scheduledJobOperations(scheduledTask, hostFor(emu)).read(undefined, id, outs);
      lastRun = read.props.lastRun as typeof lastRun;
    }
    assert.match(lastRun?.jobId ?? "", /^\d+$/);
    assert.equal(lastRun?.jobUrl, `${emu.apiUrl}/jobs/${lastRun?.jobId}`);
    assert.ok(lastRun?.jobState, JSON.stringify(lastRun));
  });
});
