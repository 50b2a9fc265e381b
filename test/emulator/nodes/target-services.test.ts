import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";
import { call, quietEmulator } from "../helpers";

const WEB_GROUP = "11111111-1111-4111-8111-111111111111";

describe("emulator PuppetDB queries, classifier groups and inventory", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator({
      timeScale: 1000,
      world: {
        environments: [{ name: "production" }, { name: "staging" }],
        nodes: [
          { certname: "web1", facts: { role: "web" } },
          { certname: "web2", facts: { role: "web" }, connected: false },
          { certname: "db1", environment: "staging", facts: { role: "db" } },
        ],
        nodeGroups: [
          { id: WEB_GROUP, name: "Web", rules: ["=", ["fact", "role"], "web"], nodes: ["db1"] },
          { id: "22222222-2222-4222-8222-222222222222", name: "Pinned only", nodes: ["web1"] },
        ],
        users: [{ login: "viewer", tokens: [{ token: "viewer-token" }] }],
      },
    });
  });
  after(() => emu.stop());

  it("POST /pdb/query/v4 answers a PQL query with the certnames it selects", async () => {
    const r = await call(emu, "POST", "/pdb/query/v4", {
      body: { query: 'inventory[certname] { facts.role = "web" }' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, [{ certname: "web1" }, { certname: "web2" }]);
  });

  it("an AST query by agent environment returns node records", async () => {
    const r = await call(emu, "POST", "/pdb/query/v4", {
      body: { query: ["from", "nodes", ["=", "catalog_environment", "staging"]] },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 1);
    assert.equal(r.body[0].certname, "db1");
    assert.equal(r.body[0].catalog_environment, "staging");
  });

  it("the environments entity lists the world's environments", async () => {
    const r = await call(emu, "POST", "/pdb/query/v4", { body: { query: ["from", "environments"] } });
    assert.deepEqual(r.body, [{ name: "production" }, { name: "staging" }]);
  });

  it("a query PuppetDB cannot parse is a plain-text 400", async () => {
    const r = await call(emu, "POST", "/pdb/query/v4", { body: { query: "nodes { bad" } });
    assert.equal(r.status, 400);
    assert.match(r.text, /PQL parse error/);
  });

  it("a token without 'view node data' gets 403 from PuppetDB and the classifier; none gets 401", async () => {
    const pdb = await call(emu, "POST", "/pdb/query/v4", {
      token: "viewer-token",
      body: { query: "nodes[certname] {}" },
    });
    assert.equal(pdb.status, 403);
    const group = await call(emu, "GET", `/classifier-api/v1/groups/${WEB_GROUP}`, { token: "viewer-token" });
    assert.equal(group.status, 403);
    const none = await call(emu, "GET", `/classifier-api/v1/groups/${WEB_GROUP}`, { token: null });
    assert.equal(none.status, 401);
  });

  it("GET /classifier-api/v1/groups/:id folds pinned nodes into the rule, as PE's console does", async () => {
    const r = await call(emu, "GET", `/classifier-api/v1/groups/${WEB_GROUP}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.name, "Web");
    assert.deepEqual(r.body.rule, ["or", ["=", ["fact", "role"], "web"], ["=", "name", "db1"]]);
    const pinned = await call(emu, "GET", "/classifier-api/v1/groups/22222222-2222-4222-8222-222222222222");
    assert.deepEqual(pinned.body.rule, ["=", "name", "web1"]);
    const missing = await call(emu, "GET", "/classifier-api/v1/groups/nope");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.kind, "not-found");
  });

  it("POST /inventory reports each node's connection; unknown nodes are not connected", async () => {
    const r = await call(emu, "POST", "/inventory", { body: { nodes: ["web1", "web2", "ghost"] } });
    assert.equal(r.status, 200);
    assert.equal(r.body.items.length, 3);
    assert.equal(r.body.items[0].connected, true);
    assert.match(r.body.items[0].broker, /^pcp:\/\//);
    assert.deepEqual(r.body.items[1], { name: "web2", connected: false });
    assert.deepEqual(r.body.items[2], { name: "ghost", connected: false });
  });

  it("inventory timestamps carry milliseconds, as PE's do (2017-07-14T15:57:33.640Z)", async () => {
    const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    const posted = await call(emu, "POST", "/inventory", { body: { nodes: ["web1"] } });
    const listed = await call(emu, "GET", "/inventory");
    const one = await call(emu, "GET", "/inventory/web1");
    for (const item of [posted.body.items[0], listed.body.items[0], one.body]) {
      assert.equal(item.name, "web1");
      assert.match(item.timestamp, ms);
    }
  });

  it("faults apply to the other services too", async () => {
    emu.setFaults({ rules: [{ path: "^/pdb/", action: "error", status: 503, count: 1 }] });
    const r = await call(emu, "POST", "/pdb/query/v4", { body: { query: "nodes[certname] {}" } });
    assert.equal(r.status, 503);
    const again = await call(emu, "POST", "/pdb/query/v4", { body: { query: "nodes[certname] {}" } });
    assert.equal(again.status, 200);
  });
});
