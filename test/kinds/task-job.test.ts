import * as assert from "node:assert/strict";
import { checkParams } from "../../provider/kinds/check-params";
import { deployJob } from "../../provider/kinds/deploy-job";
import { deployInputsSchema, taskInputsSchema } from "../../provider/kinds/kind-inputs";
import { taskRequest } from "../../provider/kinds/task-job";

const issues = (result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) => (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("TaskRun inputs and request", () => {
  it("the request carries what the user set, params {} when unset (PE requires the key), never an environment default", () => {
    const inputs = taskInputsSchema.parse({ task: "package", nodes: ["node1.example.com"] });
    assert.deepEqual(taskRequest(inputs), {
      task: "package",
      params: {},
      scope: { nodes: ["node1.example.com"] },
    });
    const full = taskInputsSchema.parse({
      task: "mymodule::check",
      params: { service: "httpd" },
      environment: "development",
      query: "nodes[certname] { }",
      noop: false,
      timeout: 60,
      description: "check",
      userdata: { ticket: "INC1" },
    });
    assert.deepEqual(taskRequest(full), {
      task: "mymodule::check",
      params: { service: "httpd" },
      environment: "development",
      scope: { query: "nodes[certname] { }" },
      noop: false,
      timeout: 60,
      description: "check",
      userdata: { ticket: "INC1" },
    });
    const group = taskInputsSchema.parse({ task: "package", nodeGroup: "g1" });
    assert.deepEqual(taskRequest(group).scope, { node_group: "g1" });
  });

  it("a task takes exactly one scope and no application scope", () => {
    assert.deepEqual(issues(taskInputsSchema.safeParse({ task: "package" })), [
      "nodes: set exactly one scope: nodes, query or nodeGroup (a task never runs on a whole environment by accident)",
    ]);
    assert.deepEqual(issues(taskInputsSchema.safeParse({ task: "package", nodes: ["n1"], query: "q" })), [
      "query: set exactly one scope, not nodes and query",
    ]);
    assert.match(
      issues(taskInputsSchema.safeParse({ task: "package", application: "App[x]" }))[0],
      /application/,
    );
    assert.match(
      issues(taskInputsSchema.safeParse({ task: "a::b::c", nodes: ["n1"] }))[0],
      /^task: must be a task name/,
    );
  });
});

describe("EnvironmentDeploy scope: at most one, none is the whole environment", () => {
  it("accepts no scope and warns, naming the environment; a scoped deploy has no warning", () => {
    const whole = deployInputsSchema.parse({ environment: "production" });
    assert.deepEqual(deployJob.warnings?.(whole), [
      'no scope (nodes, query, nodeGroup): this deploys every node of environment "production", as PE does for ' +
        '{"environment":"production"}; set a scope to deploy fewer nodes',
    ]);
    const scoped = deployInputsSchema.parse({ environment: "production", nodes: ["node1.example.com"] });
    assert.deepEqual(deployJob.warnings?.(scoped), []);
  });

  it("refuses two scopes, and an empty environment without one", () => {
    assert.deepEqual(
      issues(deployInputsSchema.safeParse({ environment: "production", nodes: ["n1"], query: "q" })),
      ["query: set at most one scope, not nodes and query (none deploys the whole environment)"],
    );
    assert.match(
      issues(deployInputsSchema.safeParse({ environment: "", enforceEnvironment: false }))[0],
      /^environment: an empty environment needs a scope/,
    );
  });
});

describe("checkParams (plans and tasks)", () => {
  const declared = {
    action: { type: "Enum[install, status]" },
    name: { type: "String[1]" },
    version: { type: "Optional[String[1]]" },
    port: { type: "Integer", default: 80 },
    count: { type: "Integer", default_value: 1 },
  };

  it("a task parameter with a `default` (task metadata) or a plan's `default_value` may be left out", () => {
    assert.deepEqual(checkParams(declared, { action: "status", name: "openssl" }, "task package"), []);
  });

  it("names unknown, wrongly typed and missing parameters with the plan or task", () => {
    assert.deepEqual(
      checkParams(declared, { action: "purge", colour: "red" }, "task package").map(
        (f) => `${f.property}: ${f.reason}`,
      ),
      [
        `params: parameter 'action' of task package must be Enum[install, status], got "purge"`,
        "params: task package has no parameter 'colour' (it takes: action, name, version, port, count)",
        "params: task package requires parameter 'name' (String[1])",
      ],
    );
    assert.deepEqual(
      checkParams(undefined, { anything: 1 }, "task old"),
      [],
      "no metadata: nothing to check",
    );
  });
});
