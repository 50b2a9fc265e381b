import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../../emulator";
import { commandRequests } from "../support/emulator-stack";
import { record } from "../support/scoreboard";
import { type CommandResult, TestStack } from "../support/test-stack";
import {
  acceptedCommands,
  countJobs,
  countSecrets,
  output,
  reliabilityWorld,
  stateText,
} from "./support/reliability";

// The bad-input catalogue: one resource per case, picked by the environment (`CASE_INDEX`, with `CASE_ARG` for a
// path the case needs). `check` cases must fail `pulumi preview` naming the input, with no command sent; cases only the
// orchestrator can judge (the CA, an expired token, permissions) must fail `pulumi up` at the first API call
// with an error naming the setting or permission to fix, with no job started.
interface Case {
  what: string;
  /** A program expression; `arg` is the `case:arg` config value. */
  resource: string;
  /** The property the error must name (`property <input> ` in the engine's check failure). */
  input: string;
  expect: RegExp;
  /** "up" for failures only the first API call can find. */
  stage?: "up";
  /** What `case:arg` holds (a file path, a token). */
  arg?: (ctx: Ctx) => string;
}

interface Ctx {
  emu: Emulator;
  dir: string;
}

const N1 = `nodes: ["node1.example.com"]`;
const cases: Case[] = [
  // ---- EnvironmentDeploy: wrong types ----
  {
    what: "environment is a number",
    resource: `deploy({ environment: 42, ${N1} })`,
    input: "environment",
    expect: /property environment value \{42\} has a problem: environment: must be a Puppet environment name/,
  },
  {
    what: "nodes is a string, not a list",
    resource: `deploy({ environment: "production", nodes: "node1.example.com" })`,
    input: "nodes",
    expect: /array|list/i,
  },
  {
    what: "a node name is a number",
    resource: `deploy({ environment: "production", nodes: ["node1.example.com", 7] })`,
    input: "nodes.1",
    expect: /string/,
  },
  {
    what: "an empty node name",
    resource: `deploy({ environment: "production", nodes: [""] })`,
    input: "nodes.0",
    expect: /node names cannot be empty/,
  },
  {
    what: "concurrency is a string",
    resource: `deploy({ environment: "production", ${N1}, concurrency: "4" })`,
    input: "concurrency",
    expect: /must be a number of nodes/,
  },
  // ---- EnvironmentDeploy: scope ----
  {
    what: "empty query scope",
    resource: `deploy({ environment: "production", query: "" })`,
    input: "query",
    expect: /cannot be empty/,
  },
  {
    what: "nodeGroup and application together",
    resource: `deploy({ environment: "production", nodeGroup: "11111111-1111-4111-8111-111111111111", application: "App[x]" })`,
    input: "application",
    expect: /not nodeGroup and application/,
  },
  {
    what: "empty environment without enforceEnvironment: false",
    resource: `deploy({ environment: "", ${N1} })`,
    input: "environment",
    expect: /enforceEnvironment: false/,
  },
  // ---- EnvironmentDeploy: timeouts ----
  {
    what: "filetimeout of zero",
    resource: `deploy({ environment: "production", ${N1}, filetimeout: 0 })`,
    input: "filetimeout",
    expect: /> 0/,
  },
  {
    what: "negative waitTimeoutSeconds",
    resource: `deploy({ environment: "production", ${N1}, waitTimeoutSeconds: -5 })`,
    input: "waitTimeoutSeconds",
    expect: /> 0/,
  },
  // ---- common inputs ----
  {
    what: "unknown key (misspelt environment)",
    resource: `deploy({ environmnet: "production", environment: "production", ${N1} })`,
    input: "environmnet",
    expect: /unknown input 'environmnet'/,
  },
  {
    what: "failOnJobFailure is a string",
    resource: `deploy({ environment: "production", ${N1}, failOnJobFailure: "no" })`,
    input: "failOnJobFailure",
    expect: /boolean/,
  },
  {
    what: "stopOnCancel is a string",
    resource: `plan({ planName: "demo::long", stopOnCancel: "yes" })`,
    input: "stopOnCancel",
    expect: /boolean/,
  },
  {
    what: "triggers is not a list",
    resource: `deploy({ environment: "production", ${N1}, triggers: "v2" })`,
    input: "triggers",
    expect: /must be a list/,
  },
  {
    what: "userdata is a list",
    resource: `deploy({ environment: "production", ${N1}, userdata: ["a"] })`,
    input: "userdata",
    expect: /object of JSON values/,
  },
  // ---- PlanRun ----
  {
    what: "planName is a number",
    resource: `plan({ planName: 7 })`,
    input: "planName",
    expect: /plan name such as canary/,
  },
  {
    what: "params is a list",
    resource: `plan({ planName: "facts::info", params: ["node1.example.com"] })`,
    input: "params",
    expect: /object of JSON values/,
  },
  {
    what: "params holds NaN",
    resource: `plan({ planName: "demo::quick", params: { n: NaN } })`,
    // The engine hands NaN over as a number, which JSON cannot carry.
    input: "params.n",
    expect: /params\.n: must be a finite number/,
  },
  {
    what: "params holds a function",
    resource: `plan({ planName: "demo::quick", params: { n: () => 1 } })`,
    input: "params",
    expect: /params|function/,
  },
  {
    what: "negative plan timeout",
    resource: `plan({ planName: "canary", params: { nodes: ["n1"], command: "id" }, timeout: -1 })`,
    input: "timeout",
    expect: /> 0/,
  },
  {
    what: "absurd waitTimeoutSeconds on a plan",
    resource: `plan({ planName: "canary", params: { nodes: ["n1"], command: "id" }, waitTimeoutSeconds: 86400 * 365 })`,
    input: "waitTimeoutSeconds",
    expect: /at most 604800/,
  },
  {
    what: "unknown key on a plan run",
    resource: `plan({ planName: "canary", parameters: { nodes: ["n1"] } })`,
    input: "parameters",
    expect: /unknown input 'parameters'/,
  },
  {
    what: "unknown plan in another module",
    resource: `plan({ planName: "demo::nosuch" })`,
    input: "planName",
    expect: /demo::nosuch/,
  },
  {
    what: "plan in an unknown environment",
    resource: `plan({ planName: "canary", environment: "staging", params: { nodes: ["n1"], command: "id" } })`,
    input: "environment",
    expect: /staging/,
  },
  {
    what: "params missing a required parameter",
    resource: `plan({ planName: "facts::info", params: {} })`,
    input: "params",
    expect: /requires parameter 'targets'/,
  },
  {
    what: "a param of the wrong Puppet type",
    resource: `plan({ planName: "canary", params: { nodes: ["n1"], command: "id", canary: "two" } })`,
    input: "params",
    expect: /'canary' of plan canary must be Optional\[Integer\]/,
  },
  // ---- TaskRun ----
  {
    what: "a task without scope",
    resource: `task({ task: "package", params: { action: "status", name: "openssl" } })`,
    input: "nodes",
    expect:
      /exactly one scope: nodes, query or nodeGroup \(a task never runs on a whole environment by accident\)/,
  },
  {
    what: "a task with two scopes",
    resource: `task({ task: "package", params: { action: "status", name: "openssl" }, ${N1}, nodeGroup: "11111111-1111-4111-8111-111111111111" })`,
    input: "nodeGroup",
    expect: /set exactly one scope, not nodes and nodeGroup/,
  },
  {
    what: "a task with an application scope",
    resource: `task({ task: "package", params: { action: "status", name: "openssl" }, application: "App[x]" })`,
    input: "application",
    expect: /unknown input 'application'/,
  },
  {
    what: "an invalid task name",
    resource: `task({ task: "Package!", ${N1} })`,
    input: "task",
    expect: /must be a task name such as package or mymodule::check/,
  },
  {
    what: "an unknown task",
    resource: `task({ task: "demo::nosuch", ${N1} })`,
    input: "task",
    expect: /demo::nosuch/,
  },
  {
    what: "a task in an unknown environment",
    resource: `task({ task: "package", environment: "staging", params: { action: "status", name: "openssl" }, ${N1} })`,
    input: "environment",
    expect: /staging/,
  },
  {
    what: "a param the task does not take",
    resource: `task({ task: "package", params: { action: "status", name: "openssl", colour: "red" }, ${N1} })`,
    input: "params",
    expect: /task package has no parameter 'colour'/,
  },
  {
    what: "a task param of the wrong Puppet type",
    resource: `task({ task: "package", params: { action: "purge", name: "openssl" }, ${N1} })`,
    input: "params",
    expect: /'action' of task package must be Enum\[install, status, uninstall, upgrade\], got "purge"/,
  },
  {
    what: "a task missing a required param",
    resource: `task({ task: "package", params: { action: "status" }, ${N1} })`,
    input: "params",
    expect: /task package requires parameter 'name' \(String\[1\]\)/,
  },
  {
    what: "noop on a task that does not support it",
    resource: `task({ task: "demo::echo", params: { message: "hi" }, ${N1}, noop: true })`,
    input: "noop",
    expect: /task demo::echo does not support no-op mode/,
  },
  {
    what: "task params is a list",
    resource: `task({ task: "package", params: ["status"], ${N1} })`,
    input: "params",
    expect: /object of JSON values/,
  },
  // ---- connection settings ----
  {
    what: "invalid URL",
    resource: `deploy({ environment: "production", ${N1}, connection: { serviceUrl: "not a url" } })`,
    input: "connection.serviceUrl",
    expect: /connection\.serviceUrl/,
  },
  {
    what: "http:// to a remote host (IP)",
    resource: `deploy({ environment: "production", ${N1}, connection: { serviceUrl: "http://10.1.2.3:8143" } })`,
    input: "connection.serviceUrl",
    expect: /unencrypted; use https/,
  },
  {
    what: "unknown connection key",
    resource: `deploy({ environment: "production", ${N1}, connection: { url: "https://pe.example.com:8143" } })`,
    input: "connection.url",
    expect: /unknown input 'connection\.url'/,
  },
  {
    what: "insecure is a string",
    resource: `deploy({ environment: "production", ${N1}, connection: { insecure: "yes" } })`,
    input: "connection.insecure",
    expect: /insecure/,
  },
  {
    what: "empty token",
    resource: `deploy({ environment: "production", ${N1}, connection: { token: "" } })`,
    input: "connection.token",
    expect: /connection\.token/,
  },
  {
    what: "empty token file",
    resource: `deploy({ environment: "production", ${N1}, connection: { tokenFile: arg } })`,
    input: "connection.tokenFile",
    expect: /token file .* \(from connection\.tokenFile .*\) is empty: run "puppet-access login"/,
    arg: ({ dir }) => write(dir, "empty.token", ""),
  },
  {
    what: "unreadable CA file (a directory)",
    resource: `plan({ planName: "canary", params: { nodes: ["n1"], command: "id" }, connection: { cacert: arg } })`,
    input: "connection.cacert",
    expect: /cannot be read \(EISDIR\)/,
    arg: ({ dir }) => dir,
  },
  // ---- only the first API call can tell ----
  {
    what: "wrong CA (a PEM of another CA)",
    resource: `deploy({ environment: "production", ${N1}, connection: { cacert: arg } })`,
    input: "connection.cacert",
    expect: /not signed by a trusted CA: set connection\.cacert to the PE CA certificate/,
    stage: "up",
    arg: ({ dir }) => otherCa(dir),
  },
  {
    what: "token expired by the orchestrator (emu.expireToken), from a file",
    resource: `deploy({ environment: "production", ${N1}, connection: { tokenFile: arg } })`,
    input: "connection.tokenFile",
    expect: /the token has expired \(token from connection\.tokenFile \(.*\)\): run "puppet-access login"/,
    stage: "up",
    arg: ({ dir, emu }) => {
      emu.expireToken("ops-token-3");
      return write(dir, "stale.token", "ops-token-3\n");
    },
  },
  {
    what: "no permission to deploy the environment",
    resource: `deploy({ environment: "development", ${N1}, connection: { token: "alice-token" } })`,
    input: "POST /command/deploy",
    expect: /HTTP 403.*lacks the RBAC permission "Puppet agent: Run Puppet on agent nodes"/,
    stage: "up",
  },
  {
    what: "no permission to run the task",
    resource: `task({ task: "demo::echo", params: { message: "hi" }, ${N1}, connection: { token: "alice-token" } })`,
    input: "POST /command/task",
    expect: /HTTP 403.*lacks the RBAC permission "Tasks: Run tasks" for this task/,
    stage: "up",
  },
  {
    what: "no permission to run the plan",
    resource: `plan({ planName: "demo::long", connection: { token: "alice-token" } })`,
    input: "POST /command/plan_run",
    expect: /HTTP 403.*lacks the RBAC permission "Plans: Run plans" for this plan/,
    stage: "up",
  },
  // ---- CodeDeploy ----
  {
    what: "CodeDeploy with both environments and deployAll",
    resource: `code({ environments: ["production"], deployAll: true })`,
    input: "deployAll",
    expect: /set either environments or deployAll: true, not both/,
  },
  {
    what: "CodeDeploy with neither environments nor deployAll",
    resource: `code({ triggers: ["abc"] })`,
    input: "environments",
    expect: /set exactly one of environments \(a list\) or deployAll: true/,
  },
  {
    what: "CodeDeploy environments is a string",
    resource: `code({ environments: "production" })`,
    input: "environments",
    expect: /must be a list of environment names/,
  },
  {
    what: "CodeDeploy environment with a slash (a branch path)",
    resource: `code({ environments: ["feature/x"] })`,
    input: "environments.0",
    expect: /must be an environment \(control-repo branch\) name/,
  },
  {
    what: "CodeDeploy expectedSignature is a branch name, not a commit",
    resource: `code({ environments: ["production"], expectedSignature: "main" })`,
    input: "expectedSignature",
    expect: /must be a commit SHA \(7 to 40 lowercase hex digits\)/,
  },
  {
    what: "CodeDeploy takes no description (Code Manager has none)",
    resource: `code({ environments: ["production"], description: "deploy" })`,
    input: "description",
    expect: /unknown input 'description'/,
  },
  {
    what: "CodeDeploy invalid codeManagerUrl",
    resource: `code({ environments: ["production"], connection: { codeManagerUrl: "not a url" } })`,
    input: "connection.codeManagerUrl",
    expect:
      /connection\.codeManagerUrl: "not a url" is not a URL \(expected e\.g\. https:\/\/pe\.example\.com:8170\)/,
  },
  {
    what: "CodeDeploy codeManagerUrl over http:// to a remote host",
    resource: `code({ environments: ["production"], connection: { codeManagerUrl: "http://10.1.2.3:8170" } })`,
    input: "connection.codeManagerUrl",
    expect: /unencrypted; use https/,
  },
  {
    what: "no permission to deploy code to the environment",
    resource: `code({ environments: ["development"], connection: { token: "alice-token" } })`,
    input: "POST /deploys",
    expect: /HTTP 403.*lacks the RBAC permission "Puppet Environment: Deploy code"/,
    stage: "up",
  },
];

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A CA certificate that did not sign the emulator's certificate. */
function otherCa(dir: string): string {
  const ca = path.join(dir, "other-ca.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-subj",
      "/CN=other",
    ].concat(["-keyout", path.join(dir, "other-ca-key.pem"), "-out", ca, "-days", "1"]),
    { stdio: "ignore" },
  );
  return ca;
}

const program = `
import { CodeDeploy, EnvironmentDeploy, PlanRun, TaskRun } from "pulumi-pe-orchestrator";

// Bad inputs on purpose: the cast lets the program pass what TypeScript would refuse.
const deploy = (args: object) => new EnvironmentDeploy("bad", args as any);
const plan = (args: object) => new PlanRun("bad", args as any);
const task = (args: object) => new TaskRun("bad", args as any);
const code = (args: object) => new CodeDeploy("bad", args as any);
// The case (and a path or token it needs) comes from the environment: cheaper than a config change per case.
const which = Number(process.env.CASE_INDEX);
const arg = process.env.CASE_ARG ?? "";
const cases: Array<() => unknown> = [
${cases.map((c) => `  () => ${c.resource},`).join("\n")}
];
cases[which]();
`;

/** Tokens the catalogue uses: none may show in its output or state. */
const TOKENS = ["alice-token", "viewer-token", "ops-token-3"];
/** Stacks previewing at once: each `pulumi preview` mostly waits on process start-up, so lanes overlap well. */
const PREVIEW_LANES = 3;

async function laneStack(emu: Emulator): Promise<TestStack> {
  const stack = await TestStack.create({ project: "catalogue", files: { "index.ts": program } });
  await stack.setConfig("pe:serviceUrl", emu.url);
  await stack.setConfig("pe:cacert", emu.caFile);
  await stack.setConfig("pe:token", emu.adminToken, { secret: true });
  await stack.setConfig("pe:codeManagerUrl", emu.url);
  return stack;
}

interface Outcome {
  result: CommandResult;
  /** POSTs the orchestrator accepted while the case ran (up cases, which have their own emulator). */
  accepted: string[];
}

describe("reliability: bad input catalogue (preview or the first API call refuses it, naming the fix)", function () {
  this.timeout(10 * 60 * 1000);
  /** Serves the preview cases: it must never see a command. */
  let previewEmu: Emulator;
  /** Serves the cases found at the first API call (they send refused commands). */
  let upEmu: Emulator;
  const stacks: TestStack[] = [];
  const outcomes = new Map<number, Outcome>();
  let dir: string;

  before(async () => {
    [previewEmu, upEmu] = await Promise.all(
      [0, 1].map(() => startEmulator({ quiet: true, timeScale: 100, world: reliabilityWorld })),
    );
    const lanes = await Promise.all([
      ...Array.from({ length: PREVIEW_LANES }, () => laneStack(previewEmu)),
      laneStack(upEmu),
    ]);
    stacks.push(...lanes);
    dir = fs.mkdtempSync(path.join(lanes[0].dir, "files-"));
    const indexed = cases.map((c, index) => ({ c, index }));
    const previews = indexed.filter(({ c }) => c.stage !== "up");
    const ups = indexed.filter(({ c }) => c.stage === "up");
    const work = lanes.map((stack, lane) =>
      lane < PREVIEW_LANES ? previews.filter((_, i) => i % PREVIEW_LANES === lane) : ups,
    );
    await Promise.all(
      lanes.map(async (stack, lane) => {
        for (const { c, index } of work[lane]) {
          const emu = c.stage === "up" ? upEmu : previewEmu;
          const env = { CASE_INDEX: String(index), CASE_ARG: c.arg?.({ emu, dir }) ?? "" };
          const before = emu.requests.length;
          const result = await stack.pulumi(
            c.stage === "up" ? ["up", "--yes", "--skip-preview"] : ["preview"],
            env,
          );
          const accepted = emu.requests
            .slice(before)
            .filter(
              (r) => r.method === "POST" && r.path.includes("/command/") && r.status >= 200 && r.status < 300,
            )
            .map((r) => r.path);
          outcomes.set(index, { result, accepted });
        }
      }),
    );
  });

  after(async () => {
    const tokens = [...TOKENS, previewEmu.adminToken, upEmu.adminToken];
    const texts = [...outcomes.values()].map((o) => output(o.result));
    const inState = (await Promise.all(stacks.map(stateText))).join("\n");
    const previewCases = cases.filter((c) => c.stage !== "up");
    const upCases = cases.filter((c) => c.stage === "up");
    const refused = (list: Case[]) =>
      list.filter((c) => {
        const o = outcomes.get(cases.indexOf(c));
        return o !== undefined && o.result.code !== 0 && c.expect.test(output(o.result));
      }).length;
    const previewJobs = (await countJobs(previewEmu)).total;
    const upJobs = (await countJobs(upEmu)).total;
    record({
      scenario: `bad input: ${previewCases.length} cases check refuses`,
      outcome: `${refused(previewCases)}/${previewCases.length} preview failed naming the input`,
      jobsStarted: previewJobs,
      duplicates: previewJobs,
      secretsFound: countSecrets(tokens, ...texts, inState),
    });
    record({
      scenario: `bad input: ${upCases.length} cases found at the 1st API call`,
      outcome: `${refused(upCases)}/${upCases.length} up failed naming the fix, no job`,
      jobsStarted: upJobs,
      duplicates: upJobs,
      secretsFound: 0, // counted in the row above (one pass over every output and state)
    });
    await Promise.all(stacks.map((s) => s.remove()));
    await Promise.all([previewEmu?.stop(), upEmu?.stop()]);
  });

  it("holds at least 30 cases across the resources and the connection settings", () => {
    assert.ok(cases.length >= 30, String(cases.length));
    assert.ok(cases.filter((c) => c.resource.startsWith("plan(")).length >= 8);
    assert.ok(cases.filter((c) => c.resource.startsWith("task(")).length >= 8);
    assert.ok(cases.filter((c) => c.resource.startsWith("deploy(")).length >= 8);
    assert.ok(cases.filter((c) => c.input.startsWith("connection")).length >= 8);
  });

  cases.forEach((c, index) => {
    it(`${c.stage === "up" ? "up" : "preview"}: ${c.what} (${c.input})`, () => {
      const outcome = outcomes.get(index);
      assert.ok(outcome, "the case ran");
      const text = output(outcome.result);
      assert.notEqual(outcome.result.code, 0, `must fail:\n${text}`);
      if (c.stage === "up") {
        assert.deepEqual(outcome.accepted, [], "no command accepted, no job started");
        if (c.input.startsWith("POST ")) assert.ok(text.includes(c.input), text);
        else assert.ok(text.includes(c.input), `names ${c.input}:\n${text}`);
      } else {
        assert.match(text, new RegExp(`property ${c.input.replace(/\./g, "\\.")} `), text);
      }
      assert.match(text, c.expect, text);
      const tokens = [...TOKENS, previewEmu.adminToken, upEmu.adminToken];
      assert.equal(countSecrets(tokens, text), 0, "a token in the output");
    });
  });

  it("no command reached the orchestrator for any case check can know", () => {
    assert.deepEqual(commandRequests(previewEmu), []);
  });

  it("no code deploy reached Code Manager for any CodeDeploy case", () => {
    const deploys = [...previewEmu.requests, ...upEmu.requests].filter(
      (r) => r.method === "POST" && r.path.startsWith("/code-manager/") && r.status >= 200 && r.status < 300,
    );
    assert.deepEqual(deploys, []);
  });

  it("started no job at all", async () => {
    assert.equal((await countJobs(previewEmu)).total + (await countJobs(upEmu)).total, 0);
    assert.deepEqual(acceptedCommands(upEmu), []);
  });
});
