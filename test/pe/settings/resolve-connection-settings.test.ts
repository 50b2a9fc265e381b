import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectionSettingsError } from "../../../provider/pe/http/errors";
import {
  describeConnectionSettings,
  type ResolveConnectionOptions,
  resolveConnectionSettings,
} from "../../../provider/pe/settings/resolve-connection-settings";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), "pe-settings-"));
  const home = join(dir, "home");
  mkdirSync(join(home, ".puppetlabs", "client-tools"), { recursive: true });
  const systemConfigFile = join(dir, "etc-orchestrator.conf");
  const write = (path: string, text: string) => {
    writeFileSync(path, text);
    return path;
  };
  const userConf = (options: Record<string, unknown>) =>
    write(join(home, ".puppetlabs", "client-tools", "orchestrator.conf"), JSON.stringify({ options }));
  const base: ResolveConnectionOptions = { env: {}, homeDir: home, systemConfigFile };
  return { dir, home, systemConfigFile, write, userConf, base };
}

describe("resolveConnectionSettings", () => {
  it("takes each setting from the first source that has it: connection, pe: config, env, client tools", async () => {
    const s = sandbox();
    const ca = s.write(join(s.dir, "ca.pem"), PEM);
    s.userConf({ "service-url": "https://user-conf:8143", cacert: ca, "token-file": "~/tok" });
    s.write(join(s.home, "tok"), "conf-token\n");
    const env = { PE_ORCHESTRATOR_URL: "https://env:8143", PE_TOKEN: "env-token" };

    let r = resolveConnectionSettings({ ...s.base });
    assert.equal(r.service.value.apiUrl, "https://user-conf:8143/orchestrator/v1");
    assert.match(r.service.from, /service-url in .*\.puppetlabs\/client-tools\/orchestrator\.conf/);
    assert.equal(await r.token.get(), "conf-token");
    assert.match(r.token.origin, /token-file in .*orchestrator\.conf \(.*home\/tok\)/);
    assert.match(r.cacert!.from, /cacert in/);

    r = resolveConnectionSettings({ ...s.base, env });
    assert.equal(r.service.from, "PE_ORCHESTRATOR_URL");
    assert.equal(r.token.origin, "PE_TOKEN");
    assert.match(r.cacert!.from, /cacert in/, "cacert still from the client tools: per setting");

    r = resolveConnectionSettings({
      ...s.base,
      env,
      config: { serviceUrl: "https://cfg:8143/", cacert: PEM },
    });
    assert.equal(r.service.from, "pe:serviceUrl");
    assert.equal(r.cacert!.from, "pe:cacert");
    assert.equal(r.token.origin, "PE_TOKEN");

    r = resolveConnectionSettings({
      ...s.base,
      env,
      config: { serviceUrl: "https://cfg:8143", token: "cfg-token" },
      connection: { serviceUrl: "https://res:8143/orchestrator/v1", tokenFile: join(s.home, "tok") },
    });
    assert.equal(r.service.value.baseUrl, "https://res:8143");
    assert.equal(r.service.from, "connection.serviceUrl");
    assert.match(
      r.token.origin,
      /^connection\.tokenFile/,
      "a token file on the resource beats a config token",
    );
    assert.equal(await r.token.get(), "conf-token");
  });

  it("falls back to the system client-tools config and the default token file", async () => {
    const s = sandbox();
    s.write(s.systemConfigFile, JSON.stringify({ options: { "service-url": "https://sys:8143" } }));
    s.write(join(s.home, ".puppetlabs", "token"), "default-token");
    const r = resolveConnectionSettings(s.base);
    assert.match(r.service.from, /etc-orchestrator\.conf/);
    assert.equal(await r.token.get(), "default-token");
    assert.match(r.token.origin, /default token file/);
    assert.equal(r.cacert, undefined);
  });

  it("reports a missing URL and a missing token file with what to set", async () => {
    const s = sandbox();
    assert.throws(
      () => resolveConnectionSettings(s.base),
      (e: Error) => {
        assert.ok(e instanceof ConnectionSettingsError);
        assert.match(e.message, /pe:serviceUrl/);
        return true;
      },
    );
    const r = resolveConnectionSettings({
      ...s.base,
      env: { PE_ORCHESTRATOR_URL: "https://x", PE_TOKEN_FILE: "/nope/t" },
    });
    await assert.rejects(
      r.token.get(),
      /token file \/nope\/t \(from PE_TOKEN_FILE.*does not exist.*puppet-access login/,
    );
  });

  it("refuses http:// to a remote host, allows it to loopback", () => {
    const s = sandbox();
    assert.throws(
      () =>
        resolveConnectionSettings({
          ...s.base,
          config: { serviceUrl: "http://pe.example.com:8143", token: "t" },
        }),
      /pe:serviceUrl uses plain http:\/\/ to pe\.example\.com/,
    );
    for (const url of ["http://127.0.0.1:8143", "http://localhost:1", "http://[::1]:8143"]) {
      assert.equal(
        resolveConnectionSettings({ ...s.base, config: { serviceUrl: url, token: "t" } }).service.value
          .protocol,
        "http:",
      );
    }
  });

  it("names the setting of an unreadable or non-PEM CA", () => {
    const s = sandbox();
    const notPem = s.write(join(s.dir, "x.pem"), "hello");
    assert.throws(
      () =>
        resolveConnectionSettings({
          ...s.base,
          env: { PE_ORCHESTRATOR_URL: "https://x", PE_TOKEN: "t", PE_CACERT: "/no/ca.pem" },
        }),
      /CA file \/no\/ca\.pem \(from PE_CACERT\) cannot be read/,
    );
    assert.throws(
      () =>
        resolveConnectionSettings({
          ...s.base,
          connection: { serviceUrl: "https://x", token: "t", cacert: notPem },
        }),
      /from connection\.cacert\) holds no PEM certificate/,
    );
  });

  it("validates inputs, accepts insecure as a config string, describes without the token", () => {
    const s = sandbox();
    assert.throws(
      () => resolveConnectionSettings({ ...s.base, config: { serviceUrl: "https://x", tokn: "t" } as never }),
      /invalid stack config pe settings: .*tokn/,
    );
    const r = resolveConnectionSettings({
      ...s.base,
      config: { serviceUrl: "https://x", token: "s3cret", insecure: "true" },
    });
    assert.deepEqual(r.insecure, { value: true, from: "pe:insecure" });
    const line = describeConnectionSettings(r);
    assert.match(line, /token from pe:token/);
    assert.match(line, /TLS NOT verified/);
    assert.doesNotMatch(line, /s3cret/);
  });

  it("re-reads a token file on reload and reports whether it changed", async () => {
    const s = sandbox();
    const file = s.write(join(s.dir, "token"), "one");
    const r = resolveConnectionSettings({ ...s.base, config: { serviceUrl: "https://x", tokenFile: file } });
    assert.equal(await r.token.get(), "one");
    assert.equal(await r.token.reload(), false);
    writeFileSync(file, "two\n");
    assert.equal(await r.token.get(), "one", "cached until reloaded");
    assert.equal(await r.token.reload(), true);
    assert.equal(await r.token.get(), "two");
  });

  it("reports a broken client-tools config only when a setting falls through to it", () => {
    const s = sandbox();
    s.write(join(s.home, ".puppetlabs", "client-tools", "orchestrator.conf"), "{not json");
    assert.doesNotThrow(() =>
      resolveConnectionSettings({ ...s.base, config: { serviceUrl: "https://x", token: "t", cacert: PEM } }),
    );
    assert.throws(
      () => resolveConnectionSettings(s.base),
      /client-tools config .*orchestrator\.conf is not valid/,
    );
  });
});

describe("resolveConnectionSettings: puppetdbUrl and classifierUrl", () => {
  it("default to the orchestrator's host on ports 8081 and 4433", () => {
    const { base } = sandbox();
    const s = resolveConnectionSettings({
      ...base,
      config: { serviceUrl: "https://pe.example.com:8143/orchestrator/v1", token: "t" },
      systemPuppetdbConfigFile: "/nonexistent",
    });
    assert.deepEqual(s.puppetdb, {
      value: "https://pe.example.com:8081",
      from: "default (the orchestrator's host, port 8081)",
    });
    assert.equal(s.classifier.value, "https://pe.example.com:4433");
  });

  it("follow the settings order: connection, pe: config, env, then PuppetDB's puppetdb.conf", () => {
    const { base, home, write } = sandbox();
    const conf = write(
      join(home, ".puppetlabs", "client-tools", "puppetdb.conf"),
      JSON.stringify({ puppetdb: { server_urls: "https://pdb-conf:8081,https://other:8081" } }),
    );
    const config = { serviceUrl: "https://pe:8143", token: "t" };
    const fromConf = resolveConnectionSettings({ ...base, config });
    assert.deepEqual(fromConf.puppetdb, { value: "https://pdb-conf:8081", from: `server_urls in ${conf}` });
    const fromEnv = resolveConnectionSettings({
      ...base,
      config,
      env: { PE_PUPPETDB_URL: "https://pdb-env:8081/pdb/query/v4", PE_CLASSIFIER_URL: "https://nc:4433/" },
    });
    assert.deepEqual(fromEnv.puppetdb, { value: "https://pdb-env:8081", from: "PE_PUPPETDB_URL" });
    assert.deepEqual(fromEnv.classifier, { value: "https://nc:4433", from: "PE_CLASSIFIER_URL" });
    const fromConnection = resolveConnectionSettings({
      ...base,
      config: { ...config, puppetdbUrl: "https://pdb-stack:8081" },
      connection: { classifierUrl: "https://nc-res:4433/classifier-api/v1" },
    });
    assert.deepEqual(fromConnection.puppetdb, { value: "https://pdb-stack:8081", from: "pe:puppetdbUrl" });
    assert.deepEqual(fromConnection.classifier, {
      value: "https://nc-res:4433",
      from: "connection.classifierUrl",
    });
  });

  it("refuse a malformed or plain-http remote URL naming the setting", () => {
    const { base } = sandbox();
    assert.throws(
      () =>
        resolveConnectionSettings({
          ...base,
          config: { serviceUrl: "https://pe:8143", token: "t", puppetdbUrl: "http://pdb.example.com:8080" },
        }),
      (error: unknown) =>
        error instanceof ConnectionSettingsError && /pe:puppetdbUrl.*https/.test(error.message),
    );
    assert.throws(
      () =>
        resolveConnectionSettings({
          ...base,
          config: { serviceUrl: "https://pe:8143", token: "t", classifierUrl: "nc:4433" },
        }),
      /pe:classifierUrl/,
    );
  });
});
