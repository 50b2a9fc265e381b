import * as assert from "node:assert/strict";
import type { Host } from "../../provider/resource/host";
import { SENSITIVE_PARAMS_KEY } from "../../provider/resource/output-keys";
import { scheduledDeploy } from "../../provider/schedules/scheduled-deploy";
import { scheduledJobOperations } from "../../provider/schedules/scheduled-job-operations";
import {
  recordOf,
  scheduledJobRequest,
  scheduledJobUpdate,
} from "../../provider/schedules/scheduled-job-request";
import { scheduledPlan } from "../../provider/schedules/scheduled-plan";
import { scheduledTask } from "../../provider/schedules/scheduled-task";
import { startTimeCheck } from "../../provider/schedules/start-time-check";

const host: Host = {
  providerConfig: () => ({}),
  log: async () => undefined,
  signal: () => new AbortController().signal,
};

const task = {
  task: "package",
  params: { action: "status", name: "openssl" },
  nodes: ["node1.example.com"],
  schedule: { startTime: "2030-01-01T02:00:00Z", intervalSeconds: 86400 },
};
/** As state holds it after a create: the inputs, PE's enabled and the outputs. */
const stored = { ...task, enabled: true, scheduledJobId: "7", sensitiveParameters: [] };

describe("scheduled jobs: check", () => {
  const ops = scheduledJobOperations(scheduledTask, host);

  it("refuses the wait inputs, naming each and saying why", async () => {
    const { failures } = await ops.check(
      undefined,
      {},
      { ...task, waitTimeoutSeconds: 60, failOnJobFailure: false },
    );
    assert.deepEqual(
      failures.map((f) => f.property),
      ["waitTimeoutSeconds", "failOnJobFailure"],
    );
    assert.match(failures[0].reason, /does not apply to ScheduledTask: a schedule starts its jobs later/);
  });

  it("validates the schedule and the task's own inputs", async () => {
    const { failures } = await ops.check(
      undefined,
      {},
      { ...task, nodes: undefined, schedule: { startTime: "tomorrow", intervalSeconds: 0 } },
    );
    const properties = failures.map((f) => f.property).sort();
    assert.deepEqual(properties, ["nodes", "schedule.intervalSeconds", "schedule.startTime"]);
  });

  it("says an unknown key is unknown (a strict schema)", async () => {
    const { failures } = await ops.check(undefined, {}, { ...task, scheduel: {} });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["scheduel"],
    );
  });
});

describe("scheduled jobs: a run-once start in the past", () => {
  const now = Date.parse("2030-01-10T00:00:00Z");
  it("fails on schedule.startTime: PE refuses it", () => {
    const { failure } = startTimeCheck({ startTime: "2030-01-01T00:00:00Z" }, now);
    assert.equal(failure?.property, "schedule.startTime");
    assert.match(failure!.reason, /in the past and there is no interval: PE refuses it \(invalid-time\)/);
  });
  it("warns of a recurring one's first run", () => {
    const { failure, warning } = startTimeCheck(
      { startTime: "2030-01-01T01:00:00Z", intervalSeconds: 86400 },
      now,
    );
    assert.equal(failure, undefined);
    assert.match(warning!, /the first run is at 2030-01-10T01:00:00.000Z/);
  });
  it("says nothing of a future one", () => {
    assert.deepEqual(startTimeCheck({ startTime: "2030-02-01T00:00:00Z" }, now), {});
  });
});

describe("scheduled jobs: diff", () => {
  const ops = scheduledJobOperations(scheduledTask, host);

  it("no change: no changes, whatever spelling PE's defaults take", async () => {
    const diff = await ops.diff(undefined, "7", { ...stored, description: "" }, task);
    assert.deepEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("description, schedule, params and scope update in place", async () => {
    for (const change of [
      { description: "nightly" },
      { schedule: { startTime: "2030-01-01T03:00:00Z" } },
      { params: { action: "status", name: "curl" } },
      { nodes: ["node2.example.com"] },
      { enabled: false },
    ]) {
      const diff = await ops.diff(undefined, "7", stored, { ...task, ...change });
      assert.equal(diff.changes, true, JSON.stringify(change));
      assert.deepEqual(diff.replaces, [], JSON.stringify(change));
    }
  });

  it("the same start time in another zone is no change", async () => {
    const diff = await ops.diff(undefined, "7", stored, {
      ...task,
      schedule: { startTime: "2030-01-01T03:00:00+01:00", intervalSeconds: 86400 },
    });
    assert.equal(diff.changes, false);
  });

  it("triggers replace", async () => {
    const diff = await ops.diff(undefined, "7", stored, { ...task, triggers: [1] });
    assert.deepEqual(diff.replaces, ["triggers"]);
  });

  it("a schedule PE holds disabled is replaced by any change, re-enabling included", async () => {
    const disabled = { ...stored, enabled: false };
    assert.deepEqual((await ops.diff(undefined, "7", disabled, task)).replaces, ["enabled"]);
    const edit = await ops.diff(undefined, "7", disabled, { ...task, enabled: false, description: "x" });
    assert.deepEqual(edit.replaces, ["description"]);
    const local = await ops.diff(undefined, "7", disabled, {
      ...task,
      enabled: false,
      requireConnected: true,
    });
    assert.deepEqual(local, { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("a param that becomes secret is a change of params (it is posted sensitive)", async () => {
    const diff = await ops.diff(undefined, "7", stored, { ...task, [SENSITIVE_PARAMS_KEY]: ["name"] });
    assert.equal(diff.changes, true);
    const same = await ops.diff(
      undefined,
      "7",
      { ...stored, sensitiveParameters: ["name"] },
      { ...task, [SENSITIVE_PARAMS_KEY]: ["name"] },
    );
    assert.equal(same.changes, false);
  });
});

describe("scheduled jobs: requests", () => {
  it("a task's body: the /command/task keys under input, params wrapped, secret ones sensitive", () => {
    const body = scheduledJobRequest(scheduledTask, { ...task, noop: true }, new Set(["name"]));
    assert.deepEqual(body, {
      type: "task",
      input: {
        name: "package",
        parameters: { action: { value: "status" }, name: { value: "openssl", sensitive: true } },
        scope: { nodes: ["node1.example.com"] },
        noop: true,
      },
      environment: "production",
      schedule: { start_time: "2030-01-01T02:00:00Z", interval: { units: "seconds", value: 86400 } },
      description: "",
      userdata: {},
    });
    const record = recordOf(body, "7", true);
    assert.deepEqual(record.input, {
      name: "package",
      parameters: { action: "status" },
      sensitive_parameters: ["name"],
      scope: { nodes: ["node1.example.com"] },
      noop: true,
    });
  });

  it("a deploy's body: the /command/deploy keys but environment; a plan's: name and parameters", () => {
    const deploy = scheduledJobRequest(
      scheduledDeploy,
      {
        environment: "production",
        query: "nodes[certname] {}",
        noop: true,
        tags: ["a", "b"],
        schedule: task.schedule,
      },
      new Set(),
    );
    assert.deepEqual(deploy.input, { scope: { query: "nodes[certname] {}" }, noop: true, tags: "a,b" });
    assert.equal(deploy.environment, "production");
    const plan = scheduledJobRequest(
      scheduledPlan,
      { planName: "canary", params: { canary: 1 }, schedule: { startTime: "2030-01-01T02:00:00Z" } },
      new Set(),
    );
    assert.deepEqual(plan.input, { name: "canary", parameters: { canary: { value: 1 } } });
    assert.equal(plan.schedule.interval, null);
  });

  it("an update PUTs only the top-level keys that changed, each whole", () => {
    const before = {
      inputs: { ...task, schedule: { startTime: "2020-01-01T02:00:00Z", intervalSeconds: 86400 } },
      sensitive: new Set<string>(),
    };
    const described = scheduledJobUpdate(scheduledTask, before, {
      inputs: { ...before.inputs, description: "nightly" },
      sensitive: new Set(),
    });
    // the past start time is not sent again: PE would refuse it
    assert.deepEqual(described, { description: "nightly" });
    const scoped = scheduledJobUpdate(scheduledTask, before, {
      inputs: { ...before.inputs, nodes: ["node2.example.com"], enabled: false },
      sensitive: new Set(),
    });
    assert.deepEqual(Object.keys(scoped), ["input", "enabled"]);
    assert.deepEqual((scoped.input as { parameters: unknown }).parameters, {
      action: { value: "status" },
      name: { value: "openssl" },
    });
    assert.deepEqual(scheduledJobUpdate(scheduledTask, before, before), {});
  });
});
