import * as assert from "node:assert/strict";
import { defaultWorld, type Emulator } from "../../emulator";
import { CodeManagerClient, resolveCodeManagerSettings, ScheduledJobsClient } from "../../provider/pe";
import { adminClient, commandRequests, emulatorStack } from "../support/emulator-stack";
import { type Face, forEachFace, programFor, stackOptionsFor } from "../support/faces";
import { record } from "../support/scoreboard";
import { killUpWhen, recoverAfterCrash } from "./support/crash-recovery";
import { countJobs } from "./support/reliability";
import type { TestStack } from "../support/test-stack";

// `pulumi up` killed (SIGKILL of the engine, the language host, the program and the provider) while a job runs,
// or between sending the command and its answer. The next run must not start a second job and must record the
// job that actually ran.
const program = `
import { PlanRun } from "pulumi-pe-orchestrator";
import * as pulumi from "@pulumi/pulumi";
const run = new PlanRun("long", {
  planName: "demo::long",
  params: {},
  triggers: [new pulumi.Config("demo").get("run") ?? "1"],
});
export const jobId = run.jobId;
export const state = run.state;
`;

/** A plan that takes 60 world seconds: 6 s at the time scale used here. */
const world = {
  ...defaultWorld,
  plans: [...(defaultWorld.plans ?? []), { name: "demo::long", seconds: 60, result: "done" }],
};

/** A scenario's name as the scoreboard shows it: the plugin's rows say so. */
const scenarioOf = (face: Face, name: string) => (face === "dynamic" ? name : `${name} (plugin)`);

forEachFace((face) =>
  describe(`reliability: a crash mid-create starts no second job and loses no outcome (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;

    beforeEach(async () => {
      ({ emu, stack } = await emulatorStack({
        project: "crash",
        files: { "index.ts": programFor(face, program) },
        emulator: { timeScale: 10, world: { ...world } },
        ...stackOptionsFor(face),
      }));
    });

    afterEach(async () => {
      await stack?.remove();
      await emu?.stop();
    });

    /** Records the scenario: jobs counted through the orchestrator's API, the token looked for in state and output. */
    const score = async (scenario: string, output: string, expectedJobs: number) => {
      const jobs = await planJobsStarted();
      const state = JSON.stringify(await stack.exportState());
      const secretsFound = [state, output].filter((text) => text.includes(emu.adminToken)).length;
      const outputs = await stack.outputs();
      record({
        scenario: scenarioOf(face, scenario),
        outcome: `${outputs.state}: recorded job ${outputs.jobId}`,
        jobsStarted: jobs,
        duplicates: Math.max(0, jobs - expectedJobs),
        secretsFound,
      });
      assert.equal(secretsFound, 0);
    };
    const planRuns = () => commandRequests(emu).filter((p) => p.endsWith("/plan_run")).length;
    /** Plan jobs the orchestrator holds, whether or not their command's answer reached anyone. */
    const planJobsStarted = async () => (await countJobs(emu)).planJobs;

    it("killed while the job runs: the next up takes that job", async () => {
      await killUpWhen(
        stack,
        () => planRuns() === 1 && emu.requests.some((r) => r.path.includes("/plan_jobs/")),
      );
      const up = await recoverAfterCrash(stack);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /started by an interrupted run/);
      assert.equal(planRuns(), 1, "no second job");
      assert.equal(await planJobsStarted(), 1, "no second job");
      assert.deepEqual(await stack.outputs(), { jobId: "1", state: "success" });
      await score("crash: killed while the job runs", up.stdout + up.stderr, 1);
    });

    it("killed between sending the command and its answer: the next up finds the job by its marker", async () => {
      emu.setFaults({
        rules: [{ method: "POST", path: "/command/plan_run", action: "slow", ms: 30_000, count: 1 }],
      });
      // The emulator logs a request when its answer ends: ask it directly whether the job exists yet.
      await killUpWhen(stack, async () => (await planJobsStarted()) === 1);
      emu.setFaults({ rules: [] });
      const up = await recoverAfterCrash(stack);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /started by an interrupted run/);
      assert.equal(await planJobsStarted(), 1, "no second job");
      assert.deepEqual(await stack.outputs(), { jobId: "1", state: "success" });
      await score("crash: killed before the command's answer", up.stdout + up.stderr, 1);
    });

    it("after a crash, changing triggers deliberately starts a fresh job", async () => {
      await killUpWhen(stack, async () => (await planJobsStarted()) === 1);
      await stack.setConfig("demo:run", "2");
      const up = await recoverAfterCrash(stack);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.doesNotMatch(up.stdout, /interrupted run/);
      assert.equal(await planJobsStarted(), 2);
      assert.deepEqual(await stack.outputs(), { jobId: "2", state: "success" });
      await score("crash, then triggers changed: fresh job", up.stdout + up.stderr, 2);
    });
  }),
);

// CodeDeploy: Code Manager has no userdata to mark a deploy with; the in-flight journal and /deploys/status
// (a deploy of the environment newer than the interrupted create) tell the next run what to take over. A
// deploy-all names no environment: the next run learns them from the deploys /deploys/status shows.
const codeProgram = (args: string) => `
import { CodeDeploy } from "pulumi-pe-orchestrator";
const code = new CodeDeploy("code", ${args});
export const state = code.state;
export const deploySignatures = code.deploySignatures;
`;

forEachFace((face) =>
  describe(`reliability: a crash mid code deploy deploys no second time (${face})`, function () {
    this.timeout(10 * 60 * 1000);

    const cases = [
      { what: "one environment", args: '{ environments: ["production"] }', deployed: ["production"] },
      // a Code Manager that never deployed: nothing but the deploy-all itself names the environments
      {
        what: "deploy-all on a fresh Code Manager",
        args: "{ deployAll: true }",
        deployed: ["development", "production", "test-env-1"],
      },
    ];
    for (const c of cases) {
      it(`killed while Code Manager deploys (${c.what}): the next up takes that deploy's outcome`, async () => {
        // A code deploy takes 60 world seconds: 6 s at this time scale.
        const { emu, stack } = await emulatorStack({
          project: "crash-code",
          files: { "index.ts": programFor(face, codeProgram(c.args)) },
          ...stackOptionsFor(face),
          emulator: { timeScale: 10, world: { ...world, settings: { codeDeploySeconds: 60 } } },
        });
        const client = new CodeManagerClient(
          resolveCodeManagerSettings({
            config: { codeManagerUrl: emu.url, token: emu.adminToken, cacert: emu.caFile },
            env: {},
          }),
        );
        try {
          await stack.setConfig("pe:codeManagerUrl", emu.url);
          const deploys = () =>
            emu.requests.filter((r) => r.method === "POST" && r.path.endsWith("/deploys")).length;
          // The deploy request is held open for the whole deploy: ask Code Manager whether it is deploying yet.
          await killUpWhen(stack, async () => {
            const status = await client.deploysStatus();
            return status["deploys-status"].deploying.some((d) => d.environment === "production");
          });
          const up = await recoverAfterCrash(stack);
          assert.equal(up.code, 0, up.stdout + up.stderr);
          assert.match(up.stdout, /took the code deploy started by an interrupted run/);
          assert.equal(deploys(), 1, "no second code deploy");
          const outputs = await stack.outputs();
          assert.equal(outputs.state, "complete");
          const signatures = outputs.deploySignatures as Record<string, string>;
          assert.deepEqual(Object.keys(signatures).sort(), c.deployed);
          assert.equal(signatures.production, "482f8d3adc76b5197306c5d4c8aa32aa8315694b");
          record({
            scenario: scenarioOf(face, `crash: killed while Code Manager deploys (${c.what})`),
            outcome: `${outputs.state}: took the interrupted run's code deploy`,
            jobsStarted: deploys(),
            duplicates: deploys() - 1,
            secretsFound: JSON.stringify(await stack.exportState()).includes(emu.adminToken) ? 1 : 0,
          });
        } finally {
          client.close();
          await stack.remove();
          await emu.stop();
        }
      });
    }
  }),
);

// A schedule: its POST is journalled and the schedule marked in its userdata, as a job's command is; a second
// schedule would run every job twice, for good.
const scheduleProgram = (start: string) => `
import { ScheduledTask } from "pulumi-pe-orchestrator";
const nightly = new ScheduledTask("nightly", {
  task: "package",
  params: { action: "status", name: "openssl" },
  nodes: ["node1.example.com"],
  schedule: { startTime: "${start}", intervalSeconds: 86400 },
});
export const id = nightly.scheduledJobId;
`;

forEachFace((face) =>
  describe(`reliability: a crash mid schedule create makes no second schedule (${face})`, function () {
    this.timeout(10 * 60 * 1000);

    it("killed between the schedule's POST and its answer: the next up takes that schedule by its marker", async () => {
      const start = new Date(Math.ceil((Date.now() + 6 * 3_600_000) / 1000) * 1000).toISOString();
      const { emu, stack } = await emulatorStack({
        project: "crash-schedule",
        files: { "index.ts": programFor(face, scheduleProgram(start)) },
        ...stackOptionsFor(face),
      });
      const pe = new ScheduledJobsClient(adminClient(emu));
      try {
        emu.setFaults({
          rules: [
            {
              method: "POST",
              path: "/scheduled_jobs/environment_jobs",
              action: "slow",
              ms: 30_000,
              count: 1,
            },
          ],
        });
        // The answer is held: ask PE whether the schedule exists yet.
        await killUpWhen(stack, async () => (await pe.listAll()).length === 1);
        emu.setFaults({ rules: [] });
        const up = await recoverAfterCrash(stack);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.match(up.stdout, /created by an interrupted run/);
        const held = await pe.listAll();
        assert.equal(held.length, 1, "no second schedule");
        assert.equal((await stack.outputs()).id, held[0].name);
        record({
          scenario: scenarioOf(face, "crash: killed before the schedule's answer"),
          outcome: `took the interrupted run's schedule ${held[0].name}`,
          jobsStarted: held.length,
          duplicates: held.length - 1,
          secretsFound: JSON.stringify(await stack.exportState()).includes(emu.adminToken) ? 1 : 0,
        });
      } finally {
        pe.orchestrator.close();
        await stack.remove();
        await emu.stop();
      }
    });
  }),
);
