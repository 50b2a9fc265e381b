import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { UNKNOWN_VALUE, validateInputs } from "../../provider/resource/validate-inputs";

describe("validateInputs", () => {
  it("knows the engine's unknown value as the SDK spells it (the core does not import the SDK)", () => {
    assert.equal(UNKNOWN_VALUE, pulumi.runtime.unknownValue);
  });

  it("leaves issues of values unknown in preview for up, and names unknown inputs", () => {
    const schema = z.strictObject({ environment: z.string().min(1), nodes: z.array(z.string()).optional() });
    const deferred = validateInputs(schema, { environment: UNKNOWN_VALUE, nodes: [1 as unknown as string] });
    assert.equal(deferred.hasUnknowns, true);
    assert.deepEqual(
      deferred.failures.map((f) => f.property),
      ["nodes.0"],
    );
    const misspelt = validateInputs(schema, { environment: "production", node: ["a"] });
    assert.deepEqual(misspelt.failures, [
      { property: "node", reason: "unknown input 'node': check its spelling against the docs" },
    ]);
  });
});
