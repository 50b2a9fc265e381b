import * as assert from "node:assert/strict";
import { PluginHost } from "../../provider/plugin/plugin-host";
import { pluginProvider } from "../../provider/plugin/plugin-provider";
import { isSecret, secret } from "../../provider/plugin/secrets";

describe("plugin provider: check", () => {
  const provider = pluginProvider(new PluginHost(undefined), "0.0.0", "{}");
  const urn = "urn:pulumi:dev::proj::pe:index:PlanRun::canary";
  // a failing check (no planName) makes no request: what it returns is still what the engine stores
  const check = (news: Record<string, unknown>) => provider.check!(urn, {}, news);

  it("makes a connection's plain token secret in the inputs the engine stores (the SDKs wrap only top-level secrets)", async () => {
    const { inputs } = await check({ connection: { serviceUrl: "https://pe:8143", token: "t0ken" } });
    const connection = inputs.connection as Record<string, unknown>;
    assert.equal(connection.serviceUrl, "https://pe:8143");
    assert.ok(isSecret(connection.token), JSON.stringify(connection));
    assert.equal((connection.token as { value: unknown }).value, "t0ken");
  });

  it("leaves a secret token, a secret connection and a connection without a token as they were", async () => {
    const wrapped = { token: secret("t0ken") };
    assert.deepEqual((await check({ connection: wrapped })).inputs.connection, wrapped);
    const whole = secret({ token: "t0ken" });
    assert.deepEqual((await check({ connection: whole })).inputs.connection, whole);
    const none = { serviceUrl: "https://pe:8143" };
    assert.deepEqual((await check({ connection: none })).inputs.connection, none);
    assert.equal("connection" in (await check({})).inputs, false);
  });
});
