import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator } from "../../../emulator";
import { call, finishedPlanJob, quietEmulator, waitFor } from "../helpers";

const CM = "/code-manager/v1";
const PRODUCTION = "482f8d3adc76b5197306c5d4c8aa32aa8315694b";
const sha = /^[0-9a-f]{40}$/;

const deploy = (emu: Emulator, body: unknown, token?: string | null) =>
  call(emu, "POST", `${CM}/deploys`, { body, token });
const status = async (emu: Emulator) => (await call(emu, "GET", `${CM}/deploys/status`)).body;

describe("emulator: Code Manager (/code-manager/v1)", function () {
  this.timeout(30_000);
  let emu: Emulator;

  // 10 world seconds per deploy at timeScale 100: 100 ms.
  before(async () => {
    emu = await quietEmulator({ timeScale: 100 });
  });
  after(() => emu?.stop());

  it('runs PE\'s example {"environments":["production"],"wait":true}: the deployed commit and file-sync commits', async () => {
    const reply = await deploy(emu, { environments: ["production"], wait: true });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.length, 1);
    const [one] = reply.body;
    assert.deepEqual(Object.keys(one).sort(), [
      "deploy-signature",
      "environment",
      "file-sync",
      "id",
      "status",
    ]);
    assert.equal(one.environment, "production");
    assert.equal(one.status, "complete");
    assert.equal(one["deploy-signature"], PRODUCTION);
    assert.equal(typeof one.id, "number");
    assert.match(one["file-sync"]["environment-commit"], sha);
    assert.match(one["file-sync"]["code-commit"], sha);
  });

  it("without wait answers queued at once; /deploys/status shows the deploy, then the environment deployed", async () => {
    const reply = await deploy(emu, { environments: ["development"] });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body[0]).sort(), ["environment", "id", "status"]);
    assert.equal(reply.body[0].status, "queued");
    const during = await status(emu);
    const busy = [...during["deploys-status"].queued, ...during["deploys-status"].deploying];
    assert.ok(
      busy.some((d: { environment: string }) => d.environment === "development"),
      JSON.stringify(during),
    );
    const after = await waitFor(
      () => status(emu),
      (s) =>
        s["file-sync-storage-status"].deployed.some(
          (d: { environment: string }) => d.environment === "development",
        ),
    );
    const deployed = after["file-sync-storage-status"].deployed.find(
      (d: { environment: string }) => d.environment === "development",
    );
    assert.match(deployed["deploy-signature"], sha);
    assert.ok(Date.parse(deployed.date) >= Date.parse(busy[0]["queued-at"]));
    assert.equal(after["file-sync-client-status"]["all-synced"], true);
  });

  it("fails an environment whose branch the control repo lacks, and still deploys the others", async () => {
    const reply = await deploy(emu, { environments: ["production", "nosuchbranch"], wait: true });
    assert.equal(reply.status, 200);
    const [ok, failed] = reply.body;
    assert.equal(ok.status, "complete");
    assert.equal(failed.status, "failed");
    assert.equal(failed.error.kind, "puppetlabs.code-manager/deploy-failure");
    assert.match(failed.error.msg, /Errors while deploying environment 'nosuchbranch' \(exit code: 1\)/);
    assert.deepEqual(failed.error.details, { "corrected-env-name": "nosuchbranch" });
    const listed = (await status(emu))["deploys-status"].failed;
    assert.ok(listed.some((f: { environment: string }) => f.environment === "nosuchbranch"));
  });

  it("follows the control repo: a moved branch is what the next deploy deploys", async () => {
    const next = "1111111111111111111111111111111111111111";
    emu.setBranch("production", next);
    try {
      const [one] = (await deploy(emu, { environments: ["production"], wait: true })).body;
      assert.equal(one["deploy-signature"], next);
    } finally {
      emu.setBranch("production", PRODUCTION);
    }
  });

  it("holds plan jobs pending (and deploy runs) while the environment's code deploy runs", async () => {
    await deploy(emu, { environments: ["production"] });
    const plan = await call(emu, "POST", "/command/plan_run", {
      body: { plan_name: "facts::info", params: { targets: "node1.example.com" } },
    });
    const job = (await call(emu, "GET", `/plan_jobs/${plan.body.name}`)).body;
    assert.equal(job.state, "pending");
    assert.equal((await finishedPlanJob(emu, plan.body.name)).state, "success");
  });

  it("deploy-all deploys every branch; dry-run lists them and queues nothing", async () => {
    const all = await deploy(emu, { "deploy-all": true, wait: true });
    assert.deepEqual(
      all.body.map((d: { environment: string }) => d.environment),
      ["development", "production", "test-env-1"],
    );
    const before = JSON.stringify((await status(emu))["deploys-status"]);
    const dry = await deploy(emu, { "dry-run": true });
    assert.equal(dry.status, 200);
    assert.deepEqual(dry.body, [
      { environment: "development" },
      { environment: "production" },
      { environment: "test-env-1" },
    ]);
    assert.equal(JSON.stringify((await status(emu))["deploys-status"]), before);
  });

  it("refuses bad bodies (400), missing tokens (401) and users without the deploy-code permission (403)", async () => {
    for (const body of [
      {},
      { environments: ["production"], "deploy-all": true },
      { environments: "production" },
    ]) {
      const reply = await deploy(emu, body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.body.kind, "puppetlabs.code-manager/schema-violation");
    }
    const anonymous = await deploy(emu, { environments: ["production"] }, null);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.kind, "puppetlabs.rbac/user-unauthenticated");
    const viewer = await deploy(emu, { environments: ["production"] }, "viewer-token");
    assert.equal(viewer.status, 403);
    assert.match(
      viewer.body.msg,
      /viewer does not have permission to deploy code to environment\(s\) production/,
    );
    // alice may deploy code to production only
    assert.equal((await deploy(emu, { environments: ["production"] }, "alice-token")).status, 200);
    assert.equal((await deploy(emu, { environments: ["development"] }, "alice-token")).status, 403);
  });
});

describe("emulator: Code Manager over a real git control repo, across a restart", function () {
  this.timeout(30_000);

  it("deploys each branch's head; a git commit moves it; history survives a restart", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "control-repo-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", dir, ...args], {
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@example.com",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@example.com",
        },
      }).trim();
    git("init", "-q", "-b", "production");
    git("commit", "-q", "--allow-empty", "-m", "first");
    const first = git("rev-parse", "HEAD");
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-cm-"));
    const world = { environments: [{ name: "production" }], controlRepo: { git: dir } };
    let emu = await quietEmulator({ timeScale: 100, world, stateDir });
    try {
      assert.equal(
        (await deploy(emu, { environments: ["production"], wait: true })).body[0]["deploy-signature"],
        first,
      );
      git("commit", "-q", "--allow-empty", "-m", "second");
      const second = git("rev-parse", "HEAD");
      assert.notEqual(second, first);
      assert.equal(
        (await deploy(emu, { environments: ["production"], wait: true })).body[0]["deploy-signature"],
        second,
      );
      await emu.stop();
      emu = await quietEmulator({ timeScale: 100, world, stateDir });
      const deployed = (await status(emu))["file-sync-storage-status"].deployed;
      assert.deepEqual(
        deployed.map((d: { "deploy-signature": string }) => d["deploy-signature"]),
        [second],
      );
      // Queue ids continue after the restart.
      assert.equal((await deploy(emu, { environments: ["production"] })).body[0].id, 3);
    } finally {
      await emu.stop();
    }
  });
});
