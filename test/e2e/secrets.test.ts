import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor } from "../support/faces";
import type { CommandResult, TestStack } from "../support/test-stack";

// Tokens must never reach state or logs in plain text, and secret params must stay secret.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";
import { CodeDeploy } from "pulumi-pe-orchestrator";

// A token in the connection input is given as a plain string on purpose: the resource must encrypt it.
const token = process.env.TEST_CONNECTION_TOKEN;
const deploy = new EnvironmentDeploy("web", {
  environment: "production",
  nodes: ["node1.example.com"],
  connection: token ? { token } : undefined,
});
const plan = new PlanRun("canary", {
  planName: "canary",
  params: { nodes: ["node2.example.com"], command: new pulumi.Config("demo").requireSecret("command"), canary: 1 },
});
export const deployState = deploy.state;
export const planResult = plan.result;
// Code Manager: the same token through its own client and settings path.
const code = new CodeDeploy("code", { environments: ["production"], connection: token ? { token } : undefined });
export const codeState = code.state;
`;

/** `pulumi up` with the engine's most verbose log on stderr. */
function verboseUp(stack: TestStack, env: Record<string, string> = {}): Promise<CommandResult> {
  return stack.pulumi(["up", "--yes", "--skip-preview", "-v=9", "--logtostderr", "--logflow"], env);
}

/** The state as exported and as stored on disk by the local backend. */
async function allState(stack: TestStack): Promise<string> {
  const stateDir = path.join(stack.dir, ".state");
  const files = fs
    .readdirSync(stateDir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(stateDir, f));
  const onDisk = files.filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f, "utf8"));
  return [JSON.stringify(await stack.exportState()), ...onDisk].join("\n");
}

/**
 * Lines of a verbose log, less the engine's own dumps of provider properties: at -v=9 Pulumi's engine prints
 * every property it marshals, secrets included, so any token that travels as config or input shows there.
 */
function linesOutsideEnginePropertyDumps(log: string): string[] {
  return log.split("\n").filter((line) => !/(Unm|M)arshaling property for RPC|Planner decided to/.test(line));
}

forEachFace((face) =>
  describe(`secrets: tokens never reach state or logs; secret params stay secret (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;

    before(async () => {
      ({ emu, stack } = await emulatorStack({
        project: "secrets",
        files: { "index.ts": programFor(face, program) },
        ...stackOptionsFor(face),
      }));
      await stack.setConfig("demo:command", "cat /etc/secret-recipe", { secret: true });
      await stack.setConfig("pe:codeManagerUrl", emu.url);
    });

    after(async () => {
      await stack?.remove();
      await emu?.stop();
    });

    it("a token from a token file (pe:tokenFile) is in neither the verbose log nor state", async () => {
      await stack.pulumiOk(["config", "rm", "pe:token"]);
      await stack.setConfig("pe:tokenFile", path.join(emu.stateDir, "token"));
      const up = await verboseUp(stack);
      assert.equal(up.code, 0, up.stdout + up.stderr.slice(-3000));
      const log = up.stdout + up.stderr;
      assert.ok(log.length > 10_000, "the verbose log was captured");
      assert.equal(log.includes(emu.adminToken), false, "token in the verbose log");
      assert.equal((await allState(stack)).includes(emu.adminToken), false, "token in state");
    });

    it("a token from the environment (PE_TOKEN) is in neither the verbose log nor state", async () => {
      await stack.destroy();
      await stack.pulumiOk(["config", "rm", "pe:tokenFile"]);
      const up = await verboseUp(stack, { PE_TOKEN: emu.adminToken });
      assert.equal(up.code, 0, up.stdout + up.stderr.slice(-3000));
      assert.equal((up.stdout + up.stderr).includes(emu.adminToken), false, "token in the verbose log");
      assert.equal((await allState(stack)).includes(emu.adminToken), false, "token in state");
    });

    it("a token in pe:token config or the connection input is encrypted in state and absent from our logs", async () => {
      await stack.destroy();
      await stack.setConfig("pe:token", emu.adminToken, { secret: true });
      const up = await verboseUp(stack, { TEST_CONNECTION_TOKEN: emu.adminToken });
      assert.equal(up.code, 0, up.stdout + up.stderr.slice(-3000));
      const leaks = linesOutsideEnginePropertyDumps(up.stdout + up.stderr).filter((l) =>
        l.includes(emu.adminToken),
      );
      assert.deepEqual(leaks, []);
      assert.equal((await allState(stack)).includes(emu.adminToken), false, "token in state");
      const deploy = (await stack.exportState()).deployment.resources?.find((r) =>
        r.type.endsWith("EnvironmentDeploy"),
      );
      const token = (deploy?.inputs?.connection as { token?: unknown } | undefined)?.token;
      assert.ok(
        token && typeof token === "object" && "ciphertext" in token,
        `encrypted: ${JSON.stringify(token)}`,
      );
      const code = (await stack.exportState()).deployment.resources?.find((r) =>
        r.type.endsWith("CodeDeploy"),
      );
      const codeToken = (code?.inputs?.connection as { token?: unknown } | undefined)?.token;
      assert.ok(
        codeToken && typeof codeToken === "object" && "ciphertext" in codeToken,
        `encrypted: ${JSON.stringify(codeToken)}`,
      );
      assert.equal((await stack.outputs()).codeState, "complete");
    });

    it("a secret param stays secret in state and in the outputs derived from it", async () => {
      assert.equal((await allState(stack)).includes("secret-recipe"), false, "secret param in state");
      const shown = await stack.pulumiOk(["stack", "output", "--json"]);
      assert.equal(shown.stdout.includes("secret-recipe"), false, "secret param in outputs");
      assert.match(shown.stdout, /"planResult": "\[secret\]"/);
      const revealed = await stack.outputs();
      // The canary's ResultSet names the command it ran on each node.
      assert.equal((revealed.planResult as Array<{ object: string }>)[0].object, "cat /etc/secret-recipe");
    });
  }),
);

forEachFace((face) =>
  describe(`secrets: a failed plan's error never shows the value of a secret param (${face})`, function () {
    this.timeout(5 * 60 * 1000);

    it("the canary's command, given as a secret, is hidden in the failure that names the step and targets", async () => {
      const { emu, stack } = await emulatorStack({
        project: "secretfail",
        ...stackOptionsFor(face),
        files: {
          "index.ts": programFor(
            face,
            `
import * as pulumi from "@pulumi/pulumi";
import { PlanRun } from "pulumi-pe-orchestrator";
new PlanRun("canary", {
  planName: "canary",
  params: { nodes: ["offline.example.com"], command: new pulumi.Config("demo").requireSecret("command"), canary: 1 },
});
`,
          ),
        },
      });
      try {
        await stack.setConfig("demo:command", "cat /etc/secret-recipe", { secret: true });
        const up = await stack.up();
        const text = up.stdout + up.stderr;
        assert.notEqual(up.code, 0, text);
        assert.match(text, /PlanRun plan job 1 failed \(state failure\)/);
        assert.match(text, /values of params hidden: they hold a secret/);
        assert.equal(text.includes("secret-recipe"), false, text);
      } finally {
        await stack.remove();
        await emu.stop();
      }
    });
  }),
);
