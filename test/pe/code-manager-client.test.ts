import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../emulator";
import {
  CodeDeployWaitError,
  CodeManagerClient,
  type ConnectionInput,
  deployCode,
  OrchestratorError,
  resolveCodeManagerSettings,
} from "../../provider/pe";
import { startTestEmulator } from "../support/emulator";

const PRODUCTION = "482f8d3adc76b5197306c5d4c8aa32aa8315694b";
const DEPLOYS = "/code-manager/v1/deploys";

function cmClient(emu: Emulator, config: ConnectionInput = {}): CodeManagerClient {
  const settings = resolveCodeManagerSettings({
    config: { codeManagerUrl: emu.url, token: emu.adminToken, cacert: emu.caFile, ...config },
    env: {},
    homeDir: "/nonexistent-home",
    systemConfigFile: "/nonexistent/orchestrator.conf",
    codeSystemConfigFile: "/nonexistent/puppet-code.conf",
  });
  return new CodeManagerClient(settings, { retry: { baseDelayMs: 20, maxDelayMs: 200, maxElapsedMs: 5000 } });
}

const posts = (emu: Emulator) => emu.requests.filter((r) => r.method === "POST" && r.path === DEPLOYS).length;

describe("Code Manager settings", () => {
  const sandbox = () => {
    const home = mkdtempSync(join(tmpdir(), "pe-cm-settings-"));
    mkdirSync(join(home, ".puppetlabs", "client-tools"), { recursive: true });
    return {
      home,
      base: {
        env: {},
        homeDir: home,
        systemConfigFile: join(home, "none-orch.conf"),
        codeSystemConfigFile: join(home, "none-code.conf"),
      },
    };
  };

  it("defaults to the orchestrator's host on port 8170; takes codeManagerUrl from config, env or puppet-code.conf", () => {
    const s = sandbox();
    const opts = {
      ...s.base,
      config: { serviceUrl: "https://pe.example.com:8143/orchestrator/v1", token: "t" },
    };
    let r = resolveCodeManagerSettings(opts);
    assert.equal(r.service.value.apiUrl, "https://pe.example.com:8170/code-manager/v1");
    assert.match(r.service.from, /pe:serviceUrl \(its host on port 8170\)/);
    assert.equal(r.api, "code-manager");

    writeFileSync(
      join(s.home, ".puppetlabs", "client-tools", "puppet-code.conf"),
      JSON.stringify({ options: { "service-url": "https://cm.example.com:8170/code-manager" } }),
    );
    r = resolveCodeManagerSettings(opts);
    assert.equal(r.service.value.apiUrl, "https://cm.example.com:8170/code-manager/v1");
    assert.match(r.service.from, /service-url in .*puppet-code\.conf/);

    r = resolveCodeManagerSettings({ ...opts, env: { PE_CODE_MANAGER_URL: "https://env.example.com:8170" } });
    assert.equal(r.service.from, "PE_CODE_MANAGER_URL");
    r = resolveCodeManagerSettings({
      ...opts,
      env: { PE_CODE_MANAGER_URL: "https://env.example.com:8170" },
      config: { ...opts.config, codeManagerUrl: "https://cfg.example.com:8170/code-manager/v1/" },
    });
    assert.equal(r.service.value.apiUrl, "https://cfg.example.com:8170/code-manager/v1");
    assert.equal(r.service.from, "pe:codeManagerUrl");
  });

  it("names what to set when neither URL is known, and refuses http:// to a remote host", () => {
    const s = sandbox();
    assert.throws(
      () => resolveCodeManagerSettings({ ...s.base, config: { token: "t" } }),
      /set pe:codeManagerUrl/,
    );
    assert.throws(
      () =>
        resolveCodeManagerSettings({
          ...s.base,
          config: { token: "t", codeManagerUrl: "http://cm.example.com" },
        }),
      /pe:codeManagerUrl uses plain http:\/\//,
    );
  });
});

describe("CodeManagerClient and deployCode against the emulator", function () {
  this.timeout(30_000);
  let emu: Emulator;

  before(async () => {
    emu = await startTestEmulator({ timeScale: 100 });
  });
  after(() => emu?.stop());
  afterEach(() => emu.setFaults({}));

  it("deploys with wait: the deployed commit, file-sync commits and queue id", async () => {
    const outcome = await deployCode(cmClient(emu), { environments: ["production"] });
    assert.equal(outcome.environments.length, 1);
    const [prod] = outcome.environments;
    assert.equal(prod.status, "complete");
    assert.equal(prod.deploySignature, PRODUCTION);
    assert.match(prod.fileSync!.codeCommit, /^[0-9a-f]{40}$/);
    assert.equal(typeof prod.id, "number");
    assert.equal(outcome.recoveredFromStatus, undefined);
    assert.ok(outcome.durationSeconds >= 0.1, String(outcome.durationSeconds));
  });

  it("a connection dropped after Code Manager took the deploy: the outcome comes from /deploys/status, no second deploy", async () => {
    emu.setFaults({
      rules: [{ method: "POST", path: `^${DEPLOYS}$`, action: "drop", afterHandling: true, count: 1 }],
    });
    const before = posts(emu);
    const seen: Record<string, string>[] = [];
    const outcome = await deployCode(
      cmClient(emu),
      { environments: ["production"] },
      { progressMs: 20, onProgress: (p) => seen.push(p.environments) },
    );
    assert.equal(posts(emu) - before, 1, "the deploy request is never re-sent");
    assert.match(outcome.recoveredFromStatus ?? "", /socket hang up|ECONNRESET/);
    assert.equal(outcome.environments[0].status, "complete");
    assert.equal(outcome.environments[0].deploySignature, PRODUCTION);
    assert.equal(outcome.environments[0].id, null);
    assert.ok(seen.length > 0);
  });

  it("a request that never reached Code Manager is reported as such after lostAfterMs, not waited for forever", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: `^${DEPLOYS}$`, action: "drop", count: 1 }] });
    const error = await deployCode(
      cmClient(emu),
      { environments: ["production"] },
      { pollMs: 20, lostAfterMs: 200 },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof CodeDeployWaitError, String(error));
    assert.equal(error.reason, "lost");
    assert.match(error.message, /did not reach Code Manager; run it again/);
  });

  it("a branch the control repo lacks: that environment failed with Code Manager's error, the others deployed", async () => {
    const outcome = await deployCode(cmClient(emu), { environments: ["production", "nosuchbranch"] });
    const [prod, missing] = outcome.environments;
    assert.equal(prod.status, "complete");
    assert.equal(missing.status, "failed");
    assert.equal(missing.error?.kind, "puppetlabs.code-manager/deploy-failure");
    assert.deepEqual(missing.error?.details, { "corrected-env-name": "nosuchbranch" });
  });

  it("a user without the deploy-code permission gets a 403 naming the permission", async () => {
    const error = await deployCode(cmClient(emu, { token: "viewer-token" }), {
      environments: ["production"],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof OrchestratorError, String(error));
    assert.equal(error.status, 403);
    assert.match(error.message, /Puppet Environment: Deploy code/);
    assert.ok(!error.message.includes("viewer-token"));
  });

  it("a held request that times out (a proxy's idle limit) is followed through /deploys/status, not re-sent", async () => {
    const slow = await startTestEmulator({
      timeScale: 100,
      world: { environments: [{ name: "production" }], settings: { codeDeploySeconds: 200 } },
    });
    try {
      const outcome = await deployCode(
        cmClient(slow),
        { environments: ["production"] },
        { holdMs: 1000, pollMs: 100 },
      );
      assert.match(outcome.recoveredFromStatus ?? "", /ETIMEDOUT/);
      assert.equal(outcome.environments[0].status, "complete");
      await new Promise((resolve) => setTimeout(resolve, 200)); // the held request is logged when it ends
      assert.equal(posts(slow), 1);
    } finally {
      await slow.stop();
    }
  });

  it("a deploy-all held past a proxy's limit on a Code Manager that never deployed: follows what it queued", async () => {
    const names = ["development", "production", "staging"];
    const slow = await startTestEmulator({
      timeScale: 100,
      world: { environments: names.map((name) => ({ name })), settings: { codeDeploySeconds: 200 } },
    });
    try {
      const outcome = await deployCode(cmClient(slow), { deployAll: true }, { holdMs: 1000, pollMs: 100 });
      assert.match(outcome.recoveredFromStatus ?? "", /ETIMEDOUT/);
      // only the deploy-all itself names the environments: /deploys/status showed them queued or deploying
      assert.deepEqual(
        outcome.environments.map((e) => `${e.environment} ${e.status}`),
        names.map((name) => `${name} complete`),
      );
      assert.ok(
        outcome.durationSeconds >= 1.9,
        `over after ${outcome.durationSeconds} s, the deploys take 2 s`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200)); // the held request is logged when it ends
      assert.equal(posts(slow), 1);
    } finally {
      await slow.stop();
    }
  });

  it("at the deadline the wait ends with the environment's status (Code Manager cannot stop a deploy)", async () => {
    const slow = await startTestEmulator({
      timeScale: 100,
      world: { environments: [{ name: "production" }], settings: { codeDeploySeconds: 3600 } },
    });
    try {
      const error = await deployCode(
        cmClient(slow),
        { environments: ["production"] },
        {
          timeoutMs: 1500,
          pollMs: 100,
        },
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof CodeDeployWaitError, String(error));
      assert.equal(error.reason, "deadline");
      assert.match(error.message, /production \(deploying\) did not finish before the wait deadline/);
    } finally {
      await slow.stop();
    }
  });
});
