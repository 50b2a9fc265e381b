import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PlanRun } from "../../../provider";
import { providerText } from "../../../provider/dynamic/resources/dynamic-resource";

// The resources register their provider as text and construct under a short stack-trace limit (see
// dynamic-resource.ts); what the engine receives is checked here through Pulumi's mocks, and the text is
// loaded the way the engine's dynamic-provider process loads it.
describe("DynamicResource: how the resources register with the engine", () => {
  const registered: pulumi.runtime.MockResourceArgs[] = [];

  before(() => {
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
  });

  it("registers the dynamic type token and the one-line provider text, and leaves Error.stackTraceLimit as it was", async () => {
    const limit = Error.stackTraceLimit;
    const run = new PlanRun("check", { planName: "canary", params: { nodes: ["a"] } });
    assert.equal(Error.stackTraceLimit, limit);
    await new Promise<void>((resolve) => run.urn.apply(() => resolve()));
    const args = registered.find((r) => r.name === "check");
    assert.ok(args, "the resource was registered");
    assert.equal(args.type, "pulumi-nodejs:dynamic/pe-orchestrator:PlanRun");
    assert.equal(args.inputs.__provider, providerText("PlanRun"));
    assert.equal(args.inputs.planName, "canary");
  });

  it("restores Error.stackTraceLimit when the SDK refuses the resource", () => {
    const limit = Error.stackTraceLimit;
    // an option the SDK's CustomResource refuses, inside the constructor call the limit is lowered around
    const opts = { providers: {} } as pulumi.CustomResourceOptions;
    assert.throws(() => new PlanRun("bad", { planName: "canary" }, opts), /Do not supply 'providers'/);
    assert.equal(Error.stackTraceLimit, limit);
  });

  it("the provider text loads the installed package's provider, as the engine's dynamic-provider process does", () => {
    // The engine runs `require-from-string(text).handler()` in the project folder, where the package is installed.
    // Here the text is loaded as a file of this package, which resolves itself by name (to its build, dist/).
    const requireFromString = require("require-from-string") as (
      code: string,
      filename: string,
    ) => { handler: () => unknown };
    const filename = path.join(__dirname, "provider-text.js");
    for (const type of ["EnvironmentDeploy", "PlanRun", "TaskRun", "CodeDeploy"] as const) {
      const provider = requireFromString(providerText(type), filename).handler() as Record<string, unknown>;
      for (const method of ["check", "diff", "create", "read", "delete"]) {
        assert.equal(typeof provider[method], "function", `${type}.${method}`);
      }
    }
  });
});
