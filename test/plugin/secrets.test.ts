import * as assert from "node:assert/strict";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import {
  isSecret,
  reveal,
  revealProps,
  SECRET_SIG,
  secret,
  secretKeysOf,
  SIG_KEY,
} from "../../provider/plugin/secrets";

describe("secrets on the plugin's wire", () => {
  it("spells the secret wrapper as the SDK does", () => {
    assert.equal(SIG_KEY, specialSigKey);
    assert.equal(SECRET_SIG, specialSecretSig);
  });

  it("reveals nested secrets and says which top-level inputs held one", () => {
    const { props, secretKeys } = revealProps({
      planName: "canary",
      params: { nodes: ["a"], password: secret("hunter2") },
      connection: secret({ token: "t0k3n" }),
    });
    assert.deepEqual(props, {
      planName: "canary",
      params: { nodes: ["a"], password: "hunter2" },
      connection: { token: "t0k3n" },
    });
    assert.deepEqual([...secretKeys].sort(), ["connection", "params"]);
    assert.equal(reveal(["x", secret(1)]).secret, true);
    assert.equal(reveal({ a: [1, 2] }).secret, false);
  });

  it("wraps once", () => {
    const wrapped = secret(secret("x"));
    assert.ok(isSecret(wrapped));
    assert.equal((wrapped as { value: unknown }).value, "x");
  });

  it("names the keys of an object that hold a secret (every key when the object is one)", () => {
    assert.deepEqual(secretKeysOf({ user: "u", password: secret("p"), nested: { deep: secret(1) } }), [
      "password",
      "nested",
    ]);
    assert.deepEqual(secretKeysOf(secret({ a: 1, b: 2 })), ["a", "b"]);
    assert.deepEqual(secretKeysOf({ a: 1 }), []);
    assert.deepEqual(secretKeysOf(undefined), []);
  });
});
