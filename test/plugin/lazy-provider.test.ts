import * as assert from "node:assert/strict";
import type * as provider from "@pulumi/pulumi/provider";
import { lazyProvider } from "../../provider/plugin/lazy-provider";
import { PluginHost } from "../../provider/plugin/plugin-host";
import { pluginProvider } from "../../provider/plugin/plugin-provider";

describe("plugin: the provider whose operations load at the first call (lazyProvider)", () => {
  it("has exactly the methods and values of pluginProvider (the SDK's server asks which a provider has)", () => {
    const real = pluginProvider(new PluginHost(undefined), "1.2.3", "{}");
    const lazy = lazyProvider("1.2.3", "{}", () => Promise.resolve(real));
    assert.deepEqual(Object.keys(lazy).sort(), Object.keys(real).sort());
    assert.equal(lazy.version, real.version);
    assert.equal(lazy.schema, real.schema);
  });

  it("loads nothing until a call, then once; each call reaches the loaded provider with its arguments", async () => {
    const calls: unknown[][] = [];
    let loads = 0;
    const loaded: provider.Provider = {
      version: "1",
      async check(urn, olds, news) {
        calls.push(["check", urn, olds, news]);
        return { inputs: news };
      },
      async create(urn, inputs) {
        calls.push(["create", urn, inputs]);
        return { id: "7", outs: { done: true } };
      },
    };
    const lazy = lazyProvider("1", "{}", async () => {
      loads++;
      return loaded;
    });
    assert.equal(loads, 0);
    assert.deepEqual(await lazy.check!("urn:a", {}, { x: 1 }), { inputs: { x: 1 } });
    assert.deepEqual(await lazy.create!("urn:a", { x: 1 }), { id: "7", outs: { done: true } });
    assert.equal(loads, 1);
    assert.deepEqual(calls, [
      ["check", "urn:a", {}, { x: 1 }],
      ["create", "urn:a", { x: 1 }],
    ]);
  });
});
