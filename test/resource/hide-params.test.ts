import * as assert from "node:assert/strict";
import { hideParams } from "../../provider/resource/resource-props";

describe("hideParams: the values of secret params never reach an error message", () => {
  const message =
    "failed step: run_command 'cat /etc/secret-recipe'; failed on 1: offline.example.com (unreachable)";

  it("leaves the message alone when the params hold no secret", () => {
    const props = { params: { command: "cat /etc/secret-recipe", nodes: ["offline.example.com"] } };
    assert.equal(hideParams(message, props), message);
    assert.equal(hideParams(message, { ...props, __secretParams: false }), message);
  });

  it("hides every string among secret params, nested ones and the longest first, and says so", () => {
    const props = {
      __secretParams: true,
      params: {
        command: "cat /etc/secret-recipe",
        nested: { parts: ["/etc/secret", "offline.example.com"] },
      },
    };
    const hidden = hideParams(message, props);
    assert.ok(!hidden.includes("secret-recipe"), hidden);
    assert.ok(!hidden.includes("offline.example.com"), hidden);
    assert.match(hidden, /run_command '\[secret\]'/);
    assert.match(hidden, /\(values of params hidden: they hold a secret\)$/);
  });

  it("says nothing extra when no param value appears in the message", () => {
    assert.equal(
      hideParams("plan error x: boom", { __secretParams: true, params: { a: "zzz" } }),
      "plan error x: boom",
    );
  });
});
