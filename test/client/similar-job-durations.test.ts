import * as assert from "node:assert/strict";
import { jobSchema, planJobSchema } from "../../provider/client/schemas";
import { similarJobDurations, similarPlanJobDurations } from "../../provider/client/similar-job-durations";

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
    assert.deepEqual(similarJobDurations(current, [other]), []);
    assert.deepEqual(similarJobDurations(current, [other], { environment: "staging" }), [65_000]);
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
