import * as assert from "node:assert/strict";
import { classifierRuleToQuery } from "../../provider/preview/classifier-rule-query";

describe("classifierRuleToQuery", () => {
  it("translates facts, names, pinned nodes and nesting to PuppetDB's AST on inventory", () => {
    assert.deepEqual(
      classifierRuleToQuery([
        "or",
        ["and", ["=", ["fact", "os", "family"], "RedHat"], ["not", ["~", "name", "^db"]]],
        ["=", "name", "pinned1"],
      ]),
      [
        "from",
        "inventory",
        [
          "extract",
          ["certname"],
          [
            "or",
            ["and", ["=", "facts.os.family", "RedHat"], ["not", ["~", "certname", "^db"]]],
            ["=", "certname", "pinned1"],
          ],
        ],
      ],
    );
  });

  it("compares numbers as numbers and reads trusted facts", () => {
    assert.deepEqual(classifierRuleToQuery([">=", ["fact", "memorysize_mb"], "2048"])[2], [
      "extract",
      ["certname"],
      [">=", "facts.memorysize_mb", 2048],
    ]);
    assert.deepEqual(classifierRuleToQuery(["=", ["trusted", "extensions", "pp_role"], "web"])[2], [
      "extract",
      ["certname"],
      ["=", "trusted.extensions.pp_role", "web"],
    ]);
  });

  it("refuses what it cannot read", () => {
    assert.throws(() => classifierRuleToQuery(["<<", "name", "x"]), /operator/);
    assert.throws(() => classifierRuleToQuery(["=", ["weird"], "x"]), /field/);
    assert.throws(() => classifierRuleToQuery([]), /not a classifier rule/);
  });
});
