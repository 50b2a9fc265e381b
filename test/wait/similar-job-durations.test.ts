import * as assert from "node:assert/strict";
import { jobSchema, planJobSchema } from "../../provider/pe/schemas";
import {
  similarJobDurations,
  similarJobRuns,
  similarPlanJobDurations,
  similarPlanJobRuns,
} from "../../provider/wait/similar-job-durations";

let id = 0;
const job = (fields: Record<string, unknown>) =>
  jobSchema.parse({ id: `x/${++id}`, name: String(id), state: "finished", type: "deploy", ...fields });
const deploy = (
  environment: string,
  nodes: string[],
  duration: string,
  extra: Record<string, unknown> = {},
) =>
  job({
    environment: { name: environment },
    options: { scope: { nodes } },
    node_count: nodes.length,
    duration,
    ...extra,
  });
const planJob = (fields: Record<string, unknown>) =>
  planJobSchema.parse({ id: `p/${++id}`, name: String(id), state: "success", ...fields });

describe("similarJobDurations", () => {
  const current = deploy("production", ["a", "b"], "1.0", { state: "running" });

  it("keeps finished runs of the same scope and environment, most recent first, in ms", () => {
    const list = [
      current,
      deploy("production", ["a", "b"], "61.5"),
      deploy("development", ["a", "b"], "10.0"),
      deploy("production", ["a", "b"], "59.0", { state: "failed" }),
      deploy("production", ["a", "b"], "5.0", { state: "stopped" }),
      deploy("production", ["a", "b"], "7.0", { type: "task" }),
      deploy("production", ["b", "c"], "30.0"),
    ];
    assert.deepEqual(similarJobDurations(current, list), [61_500, 59_000]);
  });

  it("compares scopes whatever the key order", () => {
    const q = job({
      environment: { name: "e" },
      options: { scope: { query: ["from", "nodes"], x: 1 } },
      state: "running",
    });
    const same = job({
      environment: { name: "e" },
      options: { scope: { x: 1, query: ["from", "nodes"] } },
      duration: "12.0",
    });
    assert.deepEqual(similarJobDurations(q, [same]), [12_000]);
  });

  it("falls back to runs with the same node count when no run had this scope", () => {
    const list = [deploy("production", ["c", "d"], "40.0"), deploy("production", ["c"], "20.0")];
    assert.deepEqual(similarJobDurations(current, list), [40_000]);
  });

  it("lets a hint name the environment, and reads timestamps when duration is missing", () => {
    const other = deploy("staging", ["a", "b"], "", {
      started_timestamp: "2025-01-01T00:00:00Z",
      finished_timestamp: "2025-01-01T00:01:05Z",
    });
    assert.deepEqual(similarJobRuns(current, [other]).basis, "same nodes, other job");
    assert.deepEqual(similarJobRuns(current, [other], { environment: "staging" }), {
      durationsMs: [65_000],
      basis: "same scope",
    });
  });

  it("matches tasks by task name", () => {
    const task = (name: string, duration: string, state = "finished") =>
      job({
        type: "task",
        environment: { name: "p" },
        options: { task: name, scope: { nodes: ["a"] } },
        duration,
        state,
      });
    const now = task("package", "1.0", "running");
    assert.deepEqual(similarJobDurations(now, [task("package", "3.0"), task("echo", "9.0")]), [3000]);
  });
});

describe("similarJobRuns: what PE knows beyond identical jobs", () => {
  const current = deploy("production", ["a", "b"], "1.0", { state: "running" });

  it("takes runs on the same nodes in another environment or by another command, in any order", () => {
    const list = [
      deploy("staging", ["b", "a"], "31.0"),
      deploy("development", ["a", "b"], "29.0", { type: "plan_task" }),
      deploy("staging", ["a", "b", "c"], "90.0"),
      deploy("staging", ["a", "b"], "5.0", { state: "stopped" }),
      deploy("staging", ["a", "b"], "7.0", {
        type: "task",
        options: { task: "x", scope: { nodes: ["a", "b"] } },
      }),
    ];
    assert.deepEqual(similarJobRuns(current, list), {
      durationsMs: [31_000, 29_000],
      basis: "same nodes, other job",
    });
  });

  it("prefers the same job, then the same node count, to the same nodes", () => {
    const sameNodes = deploy("staging", ["a", "b"], "31.0");
    const sameCount = deploy("production", ["c", "d"], "40.0");
    const sameScope = deploy("production", ["a", "b"], "50.0");
    assert.equal(similarJobRuns(current, [sameNodes, sameCount]).basis, "same node count");
    assert.deepEqual(similarJobRuns(current, [sameNodes, sameCount, sameScope]).durationsMs, [50_000]);
  });

  it("predicts a task on new nodes from the same task on as many other nodes", () => {
    const task = (nodes: string[], duration: string, name = "package", state = "finished") =>
      job({
        type: "task",
        environment: { name: "p" },
        options: { task: name, scope: { nodes } },
        node_count: nodes.length,
        duration,
        state,
      });
    const now = task(["n1"], "1.0", "package", "running");
    const list = [task(["n2"], "4.0"), task(["n3", "n4"], "8.0"), task(["n5"], "2.0", "echo")];
    // another environment is still the same task: only a task of that name on as many nodes counts
    const elsewhere = { ...list[0], environment: { name: "q" } };
    assert.deepEqual(similarJobRuns(now, [elsewhere, ...list.slice(1)]), {
      durationsMs: [4000],
      basis: "same task, other nodes",
    });
  });

  it("finds nothing for a query scope no job shares, and says so", () => {
    const query = job({
      environment: { name: "production" },
      options: { scope: { query: "nodes { x }" } },
      node_count: 3,
      state: "running",
    });
    assert.deepEqual(similarJobRuns(query, [deploy("staging", ["a", "b"], "31.0")]), {
      durationsMs: [],
      basis: "none",
    });
  });
});

describe("similarPlanJobDurations", () => {
  const run = (
    plan: string,
    environment: string | undefined,
    parameters: unknown,
    duration: number,
    state = "success",
  ) => planJob({ options: { plan_name: plan, environment, parameters }, duration, state });
  const current = run("deploy::app", "production", { version: "2" }, 1, "running");

  it("keeps successful runs of the same plan and environment, preferring the same parameters", () => {
    const list = [
      run("deploy::app", "production", { version: "1" }, 30),
      run("deploy::app", "production", { version: "2" }, 20),
      run("deploy::app", "production", { version: "2" }, 2, "failure"),
      run("deploy::app", "development", { version: "2" }, 9),
      run("other", "production", { version: "2" }, 9),
    ];
    assert.deepEqual(similarPlanJobDurations(current, list), [20_000]);
    assert.deepEqual(similarPlanJobDurations(current, list.slice(0, 1)), [30_000]);
    assert.equal(similarPlanJobRuns(current, list).basis, "same parameters");
    assert.equal(similarPlanJobRuns(current, list.slice(0, 1)).basis, "same plan, other parameters");
  });

  it("treats a missing environment as production and takes hints for plan and environment", () => {
    const bare = planJob({ options: { parameters: {} }, state: "running" });
    const list = [run("facts::info", undefined, {}, 5)];
    assert.deepEqual(similarPlanJobDurations(bare, list), []);
    assert.deepEqual(
      similarPlanJobDurations(bare, list, { planName: "facts::info", environment: "production" }),
      [5000],
    );
  });
});
