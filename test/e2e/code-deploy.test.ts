import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { CodeManagerClient, resolveCodeManagerSettings } from "../../provider/pe";
import { emulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor } from "../support/faces";
import type { TestStack } from "../support/test-stack";

// CodeDeploy through the real engine against the emulator's Code Manager over HTTPS. One program; config picks
// the environments, the trigger, the expected commit and whether failures fail the operation.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { CodeDeploy } from "pulumi-pe-orchestrator";

const config = new pulumi.Config("case");
const token = process.env.TEST_CONNECTION_TOKEN;
const code = new CodeDeploy("code", {
  environments: config.getObject<string[]>("environments") ?? ["production"],
  triggers: [config.require("commit")],
  expectedSignature: config.get("expected"),
  failOnJobFailure: config.getBoolean("failOnJobFailure"),
  // A plain string on purpose: the resource must keep it encrypted in state.
  connection: token ? { token } : undefined,
});
export const id = code.id;
export const state = code.state;
export const deploySignatures = code.deploySignatures;
export const deploys = code.deploys;
export const durationSeconds = code.durationSeconds;
`;

const PRODUCTION = "482f8d3adc76b5197306c5d4c8aa32aa8315694b";
const DEPLOYS = "/code-manager/v1/deploys";

forEachFace((face) =>
  describe(`CodeDeploy through the real engine against the emulator's Code Manager (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;
    /** The resource's outputs in state (stack outputs only follow on a successful up). */
    const recorded = async () =>
      (await stack.exportState()).deployment.resources?.find((r) => r.type.endsWith(":CodeDeploy"))
        ?.outputs ?? {};
    const codeDeploys = () => emu.requests.filter((r) => r.method === "POST" && r.path === DEPLOYS).length;
    const upOk = async (env: Record<string, string> = {}) => {
      const up = await stack.pulumi(["up", "--yes", "--skip-preview"], env);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      return up.stdout + up.stderr;
    };

    before(async () => {
      ({ emu, stack } = await emulatorStack({
        project: "codedeploy",
        files: { "index.ts": programFor(face, program) },
        ...stackOptionsFor(face),
      }));
      await stack.setConfig("pe:codeManagerUrl", emu.url);
      await stack.setConfig("case:commit", "c1");
    });
    after(async () => {
      await stack?.remove();
      await emu?.stop();
    });
    afterEach(() => emu.setFaults({}));

    it("preview deploys nothing; up deploys once and records the deployed commit; a second up is a no-op", async () => {
      const preview = await stack.preview();
      assert.equal(preview.code, 0, preview.stdout + preview.stderr);
      assert.match(preview.stdout, /CodeDeploy\s+code\s+create/);
      assert.equal(codeDeploys(), 0);

      await upOk();
      assert.equal(codeDeploys(), 1);
      const out = await stack.outputs();
      assert.equal(out.state, "complete");
      assert.deepEqual(out.deploySignatures, { production: PRODUCTION });
      const [prod] = out.deploys as Array<Record<string, unknown>>;
      assert.equal(prod.status, "complete");
      assert.equal(out.id, String(prod.id), "the id is Code Manager's queue id");
      assert.match(String((prod.fileSync as Record<string, string>).codeCommit), /^[0-9a-f]{40}$/);
      assert.ok(Number(out.durationSeconds) > 0);

      assert.match(await upOk(), /2 unchanged/);
      assert.equal(codeDeploys(), 1, "no change, no deploy");
    });

    it("a new trigger deploys again and follows the branch; refresh reads what /deploys/status says", async () => {
      const moved = "2222222222222222222222222222222222222222";
      emu.setBranch("production", moved);
      await stack.setConfig("case:commit", "c2");
      assert.match(await upOk(), /CodeDeploy\s+code\s+replaced/);
      assert.equal(codeDeploys(), 2);
      assert.deepEqual((await stack.outputs()).deploySignatures, { production: moved });

      // Someone deploys other code outside Pulumi: refresh shows it.
      const other = "3333333333333333333333333333333333333333";
      emu.setBranch("production", other);
      const client = new CodeManagerClient(
        resolveCodeManagerSettings({
          config: { codeManagerUrl: emu.url, token: emu.adminToken, cacert: emu.caFile },
          env: {},
        }),
      );
      await client.deploy({ environments: ["production"], wait: true });
      client.close();
      emu.setBranch("production", PRODUCTION);
      const refresh = await stack.refresh();
      assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
      // Refresh updates the resource's state (stack outputs follow on the next up).
      assert.deepEqual((await recorded()).deploySignatures, { production: other });
    });

    it("expectedSignature: a deploy of another commit fails naming both commits, and stays recorded", async () => {
      const before = codeDeploys();
      await stack.setConfig("case:commit", "c3");
      await stack.setConfig("case:expected", "abcdef0");
      const up = await stack.up();
      assert.notEqual(up.code, 0);
      assert.match(
        up.stdout,
        new RegExp(`deployed production at ${PRODUCTION}, not the expected commit abcdef0`),
      );
      assert.equal(codeDeploys() - before, 1);
      assert.deepEqual((await recorded()).deploySignatures, { production: PRODUCTION });
      // A new expected commit is a new deploy (like triggers); it matches (a prefix is enough), so up succeeds.
      await stack.setConfig("case:expected", PRODUCTION.slice(0, 12));
      assert.match(await upOk(), /CodeDeploy\s+code\s+replaced/);
      assert.equal(codeDeploys() - before, 2);
      assert.equal((await stack.outputs()).state, "complete");
      await stack.pulumiOk(["config", "rm", "case:expected"]);
    });

    it("an environment whose branch is missing fails with Code Manager's error and what to do; failOnJobFailure false records it", async () => {
      await stack.setConfig("case:environments", JSON.stringify(["production", "nosuchbranch"]));
      await stack.setConfig("case:commit", "c4");
      const up = await stack.up();
      assert.notEqual(up.code, 0);
      assert.match(
        up.stdout,
        /code deploy failed for nosuchbranch \(puppetlabs\.code-manager\/deploy-failure/,
      );
      assert.match(up.stdout, /check that the control repo has a branch named "nosuchbranch"/);

      try {
        await stack.setConfig("case:failOnJobFailure", "false");
        await upOk();
        const out = await stack.outputs();
        assert.equal(out.state, "failed");
        assert.deepEqual(out.deploySignatures, { production: PRODUCTION });
      } finally {
        await stack.pulumiOk(["config", "rm", "case:failOnJobFailure"]);
        await stack.pulumiOk(["config", "rm", "case:environments"]);
      }
    });

    it("a connection dropped after Code Manager took the deploy: up succeeds from /deploys/status, one deploy", async () => {
      emu.setFaults({
        rules: [{ method: "POST", path: `^${DEPLOYS}$`, action: "drop", afterHandling: true, count: 1 }],
      });
      const before = codeDeploys();
      await stack.setConfig("case:commit", "c5");
      const log = await upOk();
      assert.match(log, /its outcome was read from \/deploys\/status/);
      assert.equal(codeDeploys() - before, 1);
      assert.equal((await stack.outputs()).state, "complete");
    });

    it("a user without the deploy-code permission: up fails naming the permission; the token stays encrypted", async () => {
      const token = "viewer-token";
      await stack.setConfig("case:commit", "c6");
      const denied = await stack.pulumi(["up", "--yes", "--skip-preview"], { TEST_CONNECTION_TOKEN: token });
      assert.notEqual(denied.code, 0);
      assert.match(denied.stdout, /HTTP 403/);
      assert.match(denied.stdout, /Puppet Environment: Deploy code/);
      assert.ok(!(denied.stdout + denied.stderr).includes(token));
      const state = JSON.stringify(await stack.exportState());
      const onDisk = fs
        .readdirSync(path.join(stack.dir, ".state"), { recursive: true, encoding: "utf8" })
        .map((f) => path.join(stack.dir, ".state", f))
        .filter((f) => fs.statSync(f).isFile())
        .map((f) => fs.readFileSync(f, "utf8"))
        .join("\n");
      assert.ok(!state.includes(emu.adminToken) && !onDisk.includes(emu.adminToken));
      assert.ok(!onDisk.includes(token));

      const destroy = await stack.destroy();
      assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
    });
  }),
);

forEachFace((face) =>
  describe(`CodeDeploy whose wait ends early (waitTimeoutSeconds, Ctrl-C): recorded while deploying, the next up waits for it (${face})`, function () {
    this.timeout(5 * 60 * 1000);

    it("fails at the deadline saying the deploy goes on, then the next up records how it ended, with no second deploy", async () => {
      // 300 world seconds at time scale 100: a 3 s deploy against a 1 s wait.
      const { emu, stack } = await emulatorStack({
        project: "codedeadline",
        ...stackOptionsFor(face),
        files: {
          "index.ts": programFor(
            face,
            `
import { CodeDeploy } from "pulumi-pe-orchestrator";
const code = new CodeDeploy("code", { environments: ["production"], waitTimeoutSeconds: 1 });
export const state = code.state;
export const deploySignatures = code.deploySignatures;
`,
          ),
        },
        emulator: { world: { environments: [{ name: "production" }], settings: { codeDeploySeconds: 300 } } },
      });
      try {
        await stack.setConfig("pe:codeManagerUrl", emu.url);
        const first = await stack.up();
        assert.notEqual(first.code, 0);
        assert.match(
          first.stdout,
          /production \(deploying\) did not finish before the wait deadline; Code Manager cannot stop a deploy, so it goes on \(waitTimeoutSeconds: 1/,
        );
        const recorded = (await stack.exportState()).deployment.resources?.find((r) =>
          r.type.endsWith(":CodeDeploy"),
        );
        assert.equal(recorded?.outputs?.state, "deploying");

        const second = await stack.up();
        assert.equal(second.code, 0, second.stdout + second.stderr);
        const outputs = await stack.outputs();
        assert.equal(outputs.state, "complete");
        assert.deepEqual(Object.keys(outputs.deploySignatures as object), ["production"]);
        const posts = () => emu.requests.filter((r) => r.method === "POST" && r.path === DEPLOYS).length;
        assert.equal(posts(), 1, "no second deploy");

        // Once recorded, nothing is left to take over: after destroy, the same program deploys afresh.
        assert.equal((await stack.destroy()).code, 0);
        const third = await stack.up();
        assert.doesNotMatch(third.stdout, /interrupted run/);
        await new Promise((resolve) => setTimeout(resolve, 3500)); // the emulator logs the held request when it ends
        assert.equal(posts(), 2, "a fresh deploy");
      } finally {
        await stack.remove();
        await emu.stop();
      }
    });
    it("Ctrl-C mid-deploy: up ends within 10 s recording the deploy as deploying; the next up waits for it, one deploy", async () => {
      // 600 world seconds at time scale 100: a 6 s deploy, interrupted after about 1.5 s.
      const { emu, stack } = await emulatorStack({
        project: "codecancel",
        ...stackOptionsFor(face),
        files: {
          "index.ts": programFor(
            face,
            `
import { CodeDeploy } from "pulumi-pe-orchestrator";
const code = new CodeDeploy("code", { environments: ["production"] });
export const state = code.state;
`,
          ),
        },
        emulator: { world: { environments: [{ name: "production" }], settings: { codeDeploySeconds: 600 } } },
      });
      const posts = () => emu.requests.filter((r) => r.method === "POST" && r.path === DEPLOYS).length;
      try {
        await stack.setConfig("pe:codeManagerUrl", emu.url);
        const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
          cwd: stack.dir,
          env: stack.environment(),
          stdio: ["ignore", "pipe", "pipe"],
        });
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
        const closed = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
        // the deploy request is held open: wait until Code Manager logs a status read (the wait's progress)
        for (let i = 0; i < 300 && !emu.requests.some((r) => r.path.endsWith("/deploys/status")); i++)
          await new Promise((resolve) => setTimeout(resolve, 100));
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const sentAt = Date.now();
        child.kill("SIGINT");
        const code = await closed;
        const tookMs = Date.now() - sentAt;
        assert.ok(tookMs <= 10_000, `up ended ${tookMs} ms after SIGINT\n${text}`);
        assert.notEqual(code, 0, text);
        assert.match(
          text,
          /CodeDeploy: cancelled \(the Pulumi engine asked to cancel\); Code Manager cannot stop a deploy, so it goes on \(production (queued|deploying)\)/,
        );
        const recorded = (await stack.exportState()).deployment.resources?.find((r) =>
          r.type.endsWith(":CodeDeploy"),
        );
        assert.equal(recorded?.outputs?.state, "deploying");

        const second = await stack.up();
        assert.equal(second.code, 0, second.stdout + second.stderr);
        assert.equal((await stack.outputs()).state, "complete");
        await new Promise((resolve) => setTimeout(resolve, 500)); // the held request is logged when it ends
        assert.equal(posts(), 1, "no second deploy");
      } finally {
        await stack.remove();
        await emu.stop();
      }
    });
  }),
);
