import * as assert from "node:assert/strict";
import { planTargets } from "../../provider/kinds/plan-job";

describe("planTargets", () => {
  const declared = {
    nodes: { type: "TargetSpec" },
    more: { type: "Optional[TargetSpec]" },
    command: { type: "String" },
  };

  it("collects the TargetSpec parameters' targets: comma lists, arrays, nested arrays, without duplicates", () => {
    assert.deepEqual(planTargets(declared, { nodes: "a, b", more: ["b", ["c"]], command: "x,y" }), {
      names: ["a", "b", "c"],
      source: "params.nodes, params.more",
    });
    assert.equal(planTargets(declared, { command: "uptime" }), undefined);
    assert.equal(planTargets(undefined, { nodes: "a" }), undefined);
  });

  it("never shows the credentials a Bolt URI may carry", () => {
    assert.deepEqual(
      planTargets(declared, { nodes: "ssh://root:s3cret@web1:22,winrm://admin@win1" })?.names,
      ["ssh://web1:22", "winrm://win1"],
    );
  });
});
