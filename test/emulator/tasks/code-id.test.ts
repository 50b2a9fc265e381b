import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";
import { call, quietEmulator } from "../helpers";

// Task and plan metadata carry the environment's code id as PE's do (`urn:puppet:code-id:1:<sha>;production`):
// the commit its newest completed code deploy put in place, else its branch in the world's control repo.
const PRODUCTION = "482f8d3adc76b5197306c5d4c8aa32aa8315694b";
const urn = (sha: string, env = "production") => `urn:puppet:code-id:1:${sha};${env}`;

/** The code id each of the four metadata endpoints names for `env`. */
async function codeIds(emu: Emulator, env = "production"): Promise<string[]> {
  const paths = ["/tasks", "/tasks/package/init", "/plans", "/plans/canary/init"];
  const replies = await Promise.all(paths.map((p) => call(emu, "GET", `${p}?environment=${env}`)));
  return replies.map((r) => {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.environment.name, env);
    return r.body.environment.code_id;
  });
}

describe("emulator: the environment's code_id in task and plan metadata", () => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  it("the control repo's branch until a code deploy; then the deployed commit, not a branch moved since", async () => {
    emu = await quietEmulator({ timeScale: 1000 });
    assert.deepEqual(await codeIds(emu), Array(4).fill(urn(PRODUCTION)));
    const next = "1111111111111111111111111111111111111111";
    emu.setBranch("production", next);
    assert.deepEqual(await codeIds(emu), Array(4).fill(urn(PRODUCTION)), "a push alone deploys nothing");
    const deployed = await call(emu, "POST", "/code-manager/v1/deploys", {
      body: { environments: ["production"], wait: true },
    });
    assert.equal(deployed.body[0]["deploy-signature"], next);
    assert.deepEqual(await codeIds(emu), Array(4).fill(urn(next)));
    emu.setBranch("production", PRODUCTION);
    assert.deepEqual(await codeIds(emu), Array(4).fill(urn(next)));
  });

  it("a world without a control repo: a stable sha per environment, the one its code deploy deploys", async () => {
    emu = await quietEmulator({
      timeScale: 1000,
      world: {
        environments: [{ name: "production" }, { name: "staging" }],
        tasks: [{ name: "package" }],
        plans: [{ name: "canary" }],
      },
    });
    const before = await codeIds(emu, "staging");
    assert.match(before[0], /^urn:puppet:code-id:1:[0-9a-f]{40};staging$/);
    assert.deepEqual(await codeIds(emu, "staging"), Array(4).fill(before[0]));
    assert.notEqual((await codeIds(emu))[0], before[0], "each environment its own");
    const deployed = await call(emu, "POST", "/code-manager/v1/deploys", {
      body: { environments: ["staging"], wait: true },
    });
    assert.equal(urn(deployed.body[0]["deploy-signature"], "staging"), before[0]);
  });
});
