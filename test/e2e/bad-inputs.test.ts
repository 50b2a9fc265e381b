import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { commandRequests, emulatorStack } from "../support/emulator-stack";
import type { TestStack } from "../support/test-stack";

// Each case is one resource with one bad input, picked by config: `pulumi preview` must fail naming the input,
// and no command may reach the orchestrator.
const cases: Array<{ what: string; resource: string; input: string; expect: RegExp }> = [
  {
    what: "missing environment",
    resource: `deploy({ nodes: ["node1.example.com"] })`,
    input: "environment",
    expect: /environment/,
  },
  {
    what: "invalid environment name",
    resource: `deploy({ environment: "Prod-1", nodes: ["n1"] })`,
    input: "environment",
    expect: /Puppet environment name/,
  },
  {
    // No scope is a whole-environment deploy, but an empty environment has no whole to deploy.
    what: "no scope with an empty environment",
    resource: `deploy({ environment: "", enforceEnvironment: false })`,
    input: "environment",
    expect: /an empty environment needs a scope/,
  },
  {
    what: "two scopes",
    resource: `deploy({ environment: "production", nodes: ["n1"], query: "nodes {}" })`,
    input: "query",
    expect: /not nodes and query/,
  },
  {
    what: "empty node list",
    resource: `deploy({ environment: "production", nodes: [] })`,
    input: "nodes",
    expect: /at least one node/,
  },
  {
    what: "negative concurrency",
    resource: `deploy({ environment: "production", nodes: ["n1"], concurrency: -1 })`,
    input: "concurrency",
    expect: /> 0/,
  },
  {
    what: "noop and noNoop",
    resource: `deploy({ environment: "production", nodes: ["n1"], noop: true, noNoop: true })`,
    input: "noNoop",
    expect: /cannot both be true/,
  },
  {
    what: "unknown input",
    resource: `deploy({ environment: "production", nodes: ["n1"], nodez: ["n2"] })`,
    input: "nodez",
    expect: /unknown input/,
  },
  {
    what: "absurd wait timeout",
    resource: `deploy({ environment: "production", nodes: ["n1"], waitTimeoutSeconds: 1e9 })`,
    input: "waitTimeoutSeconds",
    expect: /at most 604800/,
  },
  {
    what: "unknown ordering",
    resource: `deploy({ environment: "production", nodes: ["n1"], ordering: "alphabetical" })`,
    input: "ordering",
    expect: /ordering/,
  },
  {
    what: "invalid plan name",
    resource: `plan({ planName: "Bad Name" })`,
    input: "planName",
    expect: /plan name such as canary/,
  },
  {
    what: "unknown plan",
    resource: `plan({ planName: "nosuch::plan" })`,
    input: "planName",
    expect: /nosuch::plan/,
  },
  {
    what: "param of the wrong type",
    resource: `plan({ planName: "canary", params: { nodes: ["n1"], command: 42 } })`,
    input: "params",
    expect: /'command' of plan canary must be String/,
  },
  {
    what: "param the plan does not take",
    resource: `plan({ planName: "canary", params: { nodes: ["n1"], command: "id", colour: "red" } })`,
    input: "params",
    expect: /no parameter 'colour'/,
  },
  {
    what: "missing required param",
    resource: `plan({ planName: "canary", params: { nodes: ["n1"] } })`,
    input: "params",
    expect: /requires parameter 'command'/,
  },
  {
    what: "http:// to a remote host",
    resource: `deploy({ environment: "production", nodes: ["n1"], connection: { serviceUrl: "http://pe.example.com:8143" } })`,
    input: "connection.serviceUrl",
    expect: /http/,
  },
  {
    what: "missing token file",
    resource: `deploy({ environment: "production", nodes: ["n1"], connection: { tokenFile: "/nonexistent/token" } })`,
    input: "connection.tokenFile",
    expect: /does not exist/,
  },
];

const program = `
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

// Bad inputs on purpose: the cast lets the program pass what TypeScript would refuse.
const deploy = (args: object) => new EnvironmentDeploy("bad", args as any);
const plan = (args: object) => new PlanRun("bad", args as any);
const which = new pulumi.Config("case").requireNumber("index");
const cases: Array<() => unknown> = [
${cases.map((c) => `  () => ${c.resource},`).join("\n")}
];
cases[which]();
`;

describe("bad inputs fail `pulumi preview` with the input named, and no command is sent", function () {
  this.timeout(10 * 60 * 1000);
  let emu: Emulator;
  let stack: TestStack;

  before(async () => {
    ({ emu, stack } = await emulatorStack({ project: "badinputs", files: { "index.ts": program } }));
  });

  after(async () => {
    await stack?.remove();
    await emu?.stop();
  });

  cases.forEach((c, index) => {
    it(`${c.what} (${c.input})`, async () => {
      await stack.setConfig("case:index", String(index));
      const preview = await stack.preview();
      assert.notEqual(preview.code, 0, `preview must fail:\n${preview.stdout}`);
      const output = preview.stdout + preview.stderr;
      assert.match(output, new RegExp(`property ${c.input.replace(".", "\\.")} `), output);
      assert.match(output, c.expect, output);
      assert.deepEqual(commandRequests(emu), []);
    });
  });
});
