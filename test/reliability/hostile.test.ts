import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../../emulator";
import { forEachFace, programFor, stackOptionsFor } from "../support/faces";
import {
  type AttackRule,
  HOSTILE_TEXT,
  type HostileServer,
  startHostileServer,
} from "../support/hostile-server";
import { record } from "../support/scoreboard";
import { TestStack } from "../support/test-stack";
import { countJobs, countSecrets, output, reliabilityWorld, stateText } from "./support/reliability";

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f\u202a-\u202e]/;

/** One resource per hostile server: what each server does, and what its resource must end with. */
const CASES: Array<{ name: string; resource: string; rules: AttackRule[]; expect: RegExp }> = [
  {
    name: "token echoed in kind, msg and details",
    resource: `new EnvironmentDeploy("echo", { environment: "production", nodes: ["node1.example.com"], connection: { serviceUrl: URL } });`,
    rules: [{ method: "POST", path: "/command/deploy$", attack: { kind: "echo-token" } }],
    expect:
      /POST \/command\/deploy failed: HTTP 400 puppetlabs\.orchestrator\/\\x1b\]0;pwned\\x07.*\[token\]/,
  },
  {
    name: "token in a long non-JSON body, across the old cut",
    resource: `new EnvironmentDeploy("echo-text", { environment: "production", nodes: ["node1.example.com"], connection: { serviceUrl: URL } });`,
    rules: [
      {
        method: "POST",
        path: "/command/deploy$",
        attack: { kind: "echo-token-text", length: 1000, at: 190, status: 400 },
      },
    ],
    expect: /POST \/command\/deploy failed: HTTP 400: x+/,
  },
  {
    name: "escapes and the token in a plan's error and events",
    resource: `new PlanRun("escapes", { planName: "demo::flaky", params: { n: 3 }, connection: { serviceUrl: URL } });`,
    rules: [
      {
        method: "GET",
        path: "^/orchestrator/v1/plan_jobs/\\d+",
        attack: { kind: "taint", text: HOSTILE_TEXT },
      },
    ],
    expect: /plan error demo\/flaky\\x1b\]0;pwned\\x07.*failed on purpose\\x1b\]0;pwned\\x07\\x1b\[2J/,
  },
  {
    name: "400 MB answer to a poll",
    resource: `new EnvironmentDeploy("huge", { environment: "production", nodes: ["node1.example.com"], connection: { serviceUrl: URL } });`,
    rules: [
      {
        method: "GET",
        path: "^/orchestrator/v1/jobs/\\d+$",
        attack: { kind: "huge", bytes: 400 * 1024 * 1024, declared: false },
      },
    ],
    expect: /the answer is larger than 64 MB/,
  },
  {
    name: "endless answer to a poll",
    resource: `new TaskRun("endless", { task: "package", params: { action: "status", name: "openssl" }, nodes: ["node1.example.com"], connection: { serviceUrl: URL } });`,
    rules: [{ method: "GET", path: "^/orchestrator/v1/jobs/\\d+$", attack: { kind: "endless" } }],
    expect: /the answer is larger than 64 MB/,
  },
  {
    name: "oversized page of recent jobs",
    resource: `new EnvironmentDeploy("page", { environment: "production", nodes: ["node2.example.com"], connection: { serviceUrl: URL } });`,
    rules: [
      { method: "GET", path: "^/orchestrator/v1/jobs$", attack: { kind: "oversized-page", items: 150_000 } },
    ],
    expect: /GET \/jobs failed: the answer to a page of at most \d+ items is larger than 8 MB/,
  },
  {
    name: "silent server before a job exists",
    resource: `new EnvironmentDeploy("silent", { environment: "production", nodes: ["node1.example.com"], connection: { serviceUrl: URL } });`,
    rules: [{ path: ".*", attack: { kind: "silent" } }],
    expect: /no complete answer within|left a request unanswered/,
  },
];

/**
 * A stack of resources, each reaching PE through a hostile server of its own, the token read from a token file
 * (so the engine masks nothing): one `up` per face, every resource failing on its own, side by side.
 */
forEachFace((face) =>
  describe(`reliability: a hostile PE gets no token out, no escape in, and fails in bounded time and memory (${face})`, function () {
    this.timeout(5 * 60_000);
    let emu: Emulator;
    let servers: HostileServer[];
    let stack: TestStack;

    before(async () => {
      emu = await startEmulator({ quiet: true, world: reliabilityWorld, timeScale: 100 });
      servers = await Promise.all(CASES.map((c) => startHostileServer(emu, c.rules)));
      const resources = CASES.map((c, i) => c.resource.replace("URL", JSON.stringify(servers[i].url)));
      const source = `import { EnvironmentDeploy, PlanRun, TaskRun } from "pulumi-pe-orchestrator";\n${resources.join("\n")}\n`;
      stack = await TestStack.create({
        project: "hostile",
        files: { "index.ts": programFor(face, source) },
        ...stackOptionsFor(face),
      });
      const tokenFile = path.join(stack.dir, "pe-token");
      fs.writeFileSync(tokenFile, `${emu.adminToken}\n`, { mode: 0o600 });
      await stack.setConfig("pe:cacert", emu.caFile);
      await stack.setConfig("pe:tokenFile", tokenFile);
    });
    after(async () => {
      await stack?.remove();
      await Promise.all((servers ?? []).map((s) => s.close()));
      await emu?.stop();
    });

    it("each resource fails clearly; the output and the state hold no token and no raw control character", async () => {
      const result = await stack.up(["--continue-on-error"]);
      const text = output(result);
      const state = await stateText(stack);
      const secrets = countSecrets([emu.adminToken, emu.adminToken.slice(0, 12)], text, state);
      // the three whose jobs PE started before it turned hostile: the plan, and the two polled with floods
      const jobs = (await countJobs(emu)).total;
      for (const c of CASES)
        record({
          scenario: `hostile (${face}): ${c.name}`,
          outcome: c.expect.test(text) ? "clear error" : "MISSING its error",
          jobsStarted: jobs,
          duplicates: Math.max(0, jobs - 3),
          secretsFound: secrets,
          timeToFailS: Math.round(result.elapsedMs / 1000),
        });
      assert.notEqual(result.code, 0, text);
      assert.equal(jobs, 3, "one job each for the plan and the two flooded polls, none for the others");
      for (const c of CASES) assert.match(text, c.expect, `${c.name}:\n${text}`);
      assert.equal(secrets, 0, "no token, nor its start, in the output or the state");
      const raw = RAW_CONTROL.exec(text);
      assert.equal(
        raw,
        null,
        `a raw control character at ${raw?.index}: ${JSON.stringify(text.slice((raw?.index ?? 0) - 80, (raw?.index ?? 0) + 20))}`,
      );
      // the silent PE's resource is the slowest: a lookup's 10 s, then one attempt of 30 s before any job
      assert.ok(result.elapsedMs < 75_000, `up took ${result.elapsedMs} ms`);
      assert.ok(
        servers.every((s) => s.attacked.length > 0),
        "every attack was served",
      );
    });
  }),
);
