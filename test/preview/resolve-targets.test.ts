import * as assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../emulator";
import { type ConnectionInput, OrchestratorClient, resolveConnectionSettings } from "../../provider/pe";
import { environmentKnown, suggestEnvironment, suggestPlan } from "../../provider/preview/known-names";
import { disconnectedNodes, resolveTargets, TargetLookupError } from "../../provider/preview/resolve-targets";

const WEB_GROUP = "11111111-1111-4111-8111-111111111111";

// The provider's target resolution against the emulator's PuppetDB, classifier and inventory over HTTPS.
describe("resolveTargets and the preview lookups", () => {
  let emu: Emulator;
  const clientWith = (settings: ConnectionInput = {}) =>
    new OrchestratorClient(
      resolveConnectionSettings({
        config: {
          serviceUrl: emu.url,
          cacert: emu.caFile,
          token: emu.adminToken,
          puppetdbUrl: emu.url,
          classifierUrl: emu.url,
          ...settings,
        },
        env: {},
        homeDir: "/nonexistent",
        systemConfigFile: "/nonexistent",
        systemPuppetdbConfigFile: "/nonexistent",
      }),
    );
  const requests = (prefix: string) => emu.requests.filter((r) => r.path.startsWith(prefix)).length;

  before(async () => {
    emu = await startEmulator({
      quiet: true,
      timeScale: 1000,
      world: {
        environments: [{ name: "production" }, { name: "development" }],
        nodes: [
          { certname: "web1", facts: { role: "web" } },
          { certname: "web2", facts: { role: "web" }, connected: false },
          { certname: "db1", facts: { role: "db" } },
          { certname: "dev1", environment: "development", facts: { role: "web" } },
        ],
        nodeGroups: [
          { id: WEB_GROUP, name: "Web servers", rules: ["=", ["fact", "role"], "web"], nodes: ["db1"] },
        ],
        plans: [{ name: "canary" }, { name: "mymodule::deploy" }],
        users: [{ login: "viewer", tokens: [{ token: "viewer-token" }] }],
      },
    });
  });
  after(() => emu.stop());

  it("nodes as given, a query through PuppetDB, a group's rule and pinned nodes, a whole environment", async () => {
    const client = clientWith();
    assert.deepEqual(await resolveTargets(client, "production", { nodes: ["a", "b", "a"] }), {
      names: ["a", "b"],
      source: "nodes",
    });
    assert.deepEqual(
      await resolveTargets(client, "production", { query: 'nodes[certname] { facts.role = "web" }' }),
      {
        names: ["web1", "web2", "dev1"],
        source: "query",
      },
    );
    assert.deepEqual(await resolveTargets(client, "production", { nodeGroup: WEB_GROUP }), {
      names: ["web1", "web2", "db1", "dev1"],
      source: "node group Web servers",
    });
    assert.deepEqual(await resolveTargets(client, "development", {}), {
      names: ["dev1"],
      source: "every node of environment development",
    });
  });

  it("asks once per distinct query, group or node, whatever the number of resources", async () => {
    const client = clientWith();
    const pdbBefore = requests("/pdb/");
    const groupsBefore = requests("/classifier-api/");
    const scope = { query: 'inventory[certname] { facts.role = "db" }' };
    const all = await Promise.all(
      Array.from({ length: 20 }, () => resolveTargets(client, "production", scope)),
    );
    assert.ok(all.every((t) => t.names.join() === "db1"));
    assert.equal(requests("/pdb/") - pdbBefore, 1);
    await Promise.all(
      Array.from({ length: 20 }, () => resolveTargets(client, "production", { nodeGroup: WEB_GROUP })),
    );
    assert.equal(requests("/classifier-api/") - groupsBefore, 1);

    const inventoryBefore = requests("/orchestrator/v1/inventory");
    const offline = await Promise.all([
      disconnectedNodes(client, ["web1", "web2", "ghost"]),
      disconnectedNodes(client, ["web1", "web2"]),
    ]);
    assert.deepEqual(offline, [["web2", "ghost"], ["web2"]]);
    assert.equal(requests("/orchestrator/v1/inventory") - inventoryBefore, 1);
  });

  it("a token PuppetDB or the classifier refuses, or a PuppetDB nobody answers, is one line", async () => {
    const viewer = clientWith({ token: "viewer-token" });
    await assert.rejects(
      resolveTargets(viewer, "production", { query: 'nodes[certname] { certname ~ "viewer" }' }),
      (error: unknown) =>
        error instanceof TargetLookupError &&
        /could not resolve query .* PuppetDB at https:\/\/127\.0\.0\.1:\d+ \(pe:puppetdbUrl\) does not let the token read it \(HTTP 403\)/.test(
          error.message,
        ),
    );
    await assert.rejects(
      resolveTargets(viewer, "production", { nodeGroup: "33333333-3333-4333-8333-333333333333" }),
      /could not resolve node group .*the classifier .*HTTP 403/,
    );
    await assert.rejects(
      resolveTargets(clientWith(), "production", { nodeGroup: "44444444-4444-4444-8444-444444444444" }),
      /node group 44444444-4444-4444-8444-444444444444 does not exist/,
    );
    const started = Date.now();
    const nowhere = clientWith({ puppetdbUrl: "https://127.0.0.1:9" });
    await assert.rejects(
      resolveTargets(nowhere, "production", { query: "nodes[certname] {}" }),
      /ECONNREFUSED/,
    );
    assert.ok(Date.now() - started < 3000, "an unreachable PuppetDB costs well under a few seconds");
  });

  it("did you mean: environments from PuppetDB, plans from the orchestrator", async () => {
    const client = clientWith();
    assert.equal(await environmentKnown(client, "prodution"), false);
    assert.equal(await environmentKnown(client, "production"), true);
    assert.equal(await suggestEnvironment(client, "prodution"), " (did you mean production?)");
    assert.equal(await suggestPlan(client, "canry", "production"), " (did you mean canary?)");
    assert.equal(await suggestPlan(client, "deploy", "production"), " (did you mean mymodule::deploy?)");
    assert.equal(
      await suggestEnvironment(
        clientWith({ token: "viewer-token", puppetdbUrl: `${emu.url}/` }),
        "prodution",
      ),
      "",
    );
  });
});
