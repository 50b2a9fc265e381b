import * as assert from "node:assert/strict";
import { TestStack } from "../support/test-stack";

// One dynamic resource through the real engine: up, read the outputs back, up again (no changes), destroy.
const program = `
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { greeting: string }) {
    return { id: "smoke-1", outs: { greeting: inputs.greeting, length: inputs.greeting.length } };
  },
};

class Greeting extends pulumi.dynamic.Resource {
  declare readonly greeting: pulumi.Output<string>;
  declare readonly length: pulumi.Output<number>;
  constructor(name: string, args: { greeting: pulumi.Input<string> }) {
    super(provider, name, { ...args, length: undefined }, {}, "smoke", "Greeting");
  }
}

const config = new pulumi.Config();
const greeting = new Greeting("hello", { greeting: config.get("greeting") ?? "hello" });
export const text = greeting.greeting;
export const length = greeting.length;
`;

describe("smoke: a dynamic resource through the real Pulumi engine", function () {
  this.timeout(15 * 60 * 1000); // the first run may build the Pulumi CLI
  let stack: TestStack;

  before(async () => {
    stack = await TestStack.create({ project: "smoke", files: { "index.ts": program } });
  });

  after(async () => {
    await stack?.remove();
  });

  it("pulumi up creates the resource and its outputs are readable", async () => {
    await stack.setConfig("greeting", "hello from the engine");
    const up = await stack.up();
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, /pulumi-nodejs:dynamic\/smoke:Greeting\s+hello\s+created/);
    assert.deepEqual(await stack.outputs(), { text: "hello from the engine", length: 21 });
    const state = await stack.exportState();
    const types = (state.deployment.resources ?? []).map((r) => r.type);
    assert.ok(
      types.includes("pulumi-nodejs:dynamic/smoke:Greeting"),
      `state holds the resource: ${types.join(", ")}`,
    );
  });

  it("a second pulumi up changes nothing", async () => {
    const up = await stack.up();
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, /\d+ unchanged/);
    assert.doesNotMatch(up.stdout, /created|updated|replaced/);
  });

  it("pulumi destroy removes it", async () => {
    const destroy = await stack.destroy();
    assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
    assert.match(destroy.stdout, /pulumi-nodejs:dynamic\/smoke:Greeting\s+hello\s+deleted/);
    const state = await stack.exportState();
    assert.equal((state.deployment.resources ?? []).length, 0);
  });
});
