import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";
import { call, quietEmulator } from "../helpers";

// PuppetDB's documented paging (api/query/v4/paging): `limit`, `offset`, `order_by` (a JSON array of
// {field, order}) and `include_total` (→ `X-Records`) as request parameters, in a POST's body or a GET's URL,
// and the query's own clauses (AST `["limit", n]`, `["offset", n]`, `["order_by", [...]]`; PQL `order by`,
// `limit`, `offset`), which win over the parameters.
describe("emulator PuppetDB: paging", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator({
      timeScale: 1000,
      world: {
        environments: [{ name: "production" }, { name: "staging" }, { name: "dev" }],
        // not in certname order: only order_by sorts them
        nodes: [
          { certname: "c.example.com", facts: { role: "web" } },
          { certname: "a.example.com", facts: { role: "web" }, environment: "staging" },
          { certname: "d.example.com", facts: { role: "db" } },
          { certname: "b.example.com", facts: { role: "web" } },
        ],
      },
    });
  });
  after(() => emu.stop());

  const pdb = (body: Record<string, unknown>) => call(emu, "POST", "/pdb/query/v4", { body });
  const pdbGet = (params: Record<string, string>) =>
    call(emu, "GET", `/pdb/query/v4?${new URLSearchParams(params)}`);
  const names = (rows: Array<{ certname: string }>) => rows.map((row) => row.certname);
  const web = ["from", "nodes", ["=", ["fact", "role"], "web"]];

  it("without paging: every row, in the world's order, and no X-Records", async () => {
    const r = await pdb({ query: web });
    assert.equal(r.status, 200);
    assert.deepEqual(names(r.body), ["c.example.com", "a.example.com", "b.example.com"]);
    assert.equal(r.headers["x-records"], undefined);
  });

  it("POST body parameters: order_by, offset, limit, and include_total's X-Records counts the unpaged rows", async () => {
    const r = await pdb({
      query: web,
      order_by: [{ field: "certname", order: "desc" }],
      offset: 1,
      limit: 1,
      include_total: true,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(names(r.body), ["b.example.com"]);
    assert.equal(r.headers["x-records"], "3");
    const byEnv = await pdb({
      query: web,
      order_by: [{ field: "catalog_environment", order: "desc" }, { field: "certname" }],
    });
    assert.deepEqual(names(byEnv.body), ["a.example.com", "b.example.com", "c.example.com"]);
  });

  it("GET URL parameters, order_by as a JSON string", async () => {
    const r = await pdbGet({
      query: JSON.stringify(web),
      order_by: JSON.stringify([{ field: "certname" }]),
      limit: "2",
      include_total: "true",
    });
    assert.equal(r.status, 200);
    assert.deepEqual(names(r.body), ["a.example.com", "b.example.com"]);
    assert.equal(r.headers["x-records"], "3");
    const pql = await pdbGet({ query: "nodes[certname] {}", offset: "3", include_total: "false" });
    assert.deepEqual(names(pql.body), ["b.example.com"]);
    assert.equal(pql.headers["x-records"], undefined);
  });

  it("AST paging clauses after the condition, or with no condition", async () => {
    const r = await pdb({
      query: [...web, ["order_by", [["certname", "desc"]]], ["limit", 2], ["offset", 1]],
    });
    assert.deepEqual(names(r.body), ["b.example.com", "a.example.com"]);
    const all = await pdb({ query: ["from", "nodes", ["order_by", ["certname"]], ["limit", 3]] });
    assert.deepEqual(names(all.body), ["a.example.com", "b.example.com", "c.example.com"]);
    const extract = await pdb({
      query: ["from", "inventory", ["extract", ["certname"], ["=", ["fact", "role"], "web"]], ["limit", 1]],
      order_by: [{ field: "environment", order: "desc" }],
    });
    assert.deepEqual(extract.body, [{ certname: "a.example.com" }]);
  });

  it("PQL paging clauses: order by (several fields, asc/desc), limit, offset", async () => {
    const r = await pdb({
      query: 'nodes[certname] { facts.role = "web" order by certname desc limit 2 offset 1 }',
      include_total: true,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(names(r.body), ["b.example.com", "a.example.com"]);
    assert.equal(r.headers["x-records"], "3");
    const two = await pdb({
      query: "inventory[certname] { order by facts_environment desc, certname asc limit 2 }",
    });
    assert.deepEqual(names(two.body), ["a.example.com", "b.example.com"]);
    const envs = await pdb({ query: "environments[name] { order by name limit 2 }" });
    assert.deepEqual(envs.body, [{ name: "dev" }, { name: "production" }]);
    const quoted = await pdb({ query: 'nodes[certname] { certname = "limit 1" }' });
    assert.deepEqual(quoted.body, [], "a clause inside a string is no clause");
  });

  it("the query's clauses win over the parameters, key by key", async () => {
    const r = await pdb({
      query: [...web, ["limit", 1]],
      limit: 3,
      order_by: [{ field: "certname" }],
    });
    assert.deepEqual(names(r.body), ["a.example.com"]);
  });

  it("latest reports page the same way: the provider's fleet page (order_by certname, limit)", async () => {
    const fleet = ["from", "reports", ["=", "latest_report?", true]];
    const unordered = await pdb({ query: fleet });
    assert.deepEqual(names(unordered.body), [
      "c.example.com",
      "a.example.com",
      "d.example.com",
      "b.example.com",
    ]);
    const page = await pdb({
      query: [...fleet, ["order_by", [["certname", "asc"]]], ["limit", 3]],
      include_total: true,
    });
    assert.deepEqual(names(page.body), ["a.example.com", "b.example.com", "c.example.com"]);
    assert.equal(page.headers["x-records"], "4");
    const next = await pdb({
      query: [...fleet, ["order_by", [["certname", "asc"]]], ["limit", 3], ["offset", 3]],
    });
    assert.deepEqual(names(next.body), ["d.example.com"]);
    const byEnv = await pdbGet({
      query: JSON.stringify(fleet),
      order_by: JSON.stringify([{ field: "environment", order: "desc" }, { field: "certname" }]),
      limit: "1",
    });
    assert.deepEqual(names(byEnv.body), ["a.example.com"]);
  });

  it("bad paging is a plain-text 400 with PuppetDB's message", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ query: web, limit: 0 }, /Illegal value '0' for :limit; expected a positive non-zero integer/],
      [{ query: web, limit: "ten" }, /Illegal value 'ten' for :limit/],
      [{ query: [...web, ["limit", -1]] }, /Illegal value '-1' for :limit/],
      [{ query: web, offset: -1 }, /Illegal value '-1' for :offset; expected a non-negative integer/],
      [{ query: "nodes[certname] { limit 0 }" }, /for :limit/],
      [{ query: web, order_by: "[{" }, /for :order_by; expected a JSON array of maps/],
      [{ query: web, order_by: ["certname"] }, /for :order_by; expected an array of maps/],
      [{ query: web, order_by: [{ order: "asc" }] }, /missing required key 'field'/],
      [
        { query: web, order_by: [{ field: "certname", order: "up" }] },
        /'order' must be either 'asc' or 'desc'/,
      ],
      [{ query: web, order_by: [{ field: "certname", dir: "asc" }] }, /unknown key 'dir'/],
      [
        { query: web, order_by: [{ field: "nope" }] },
        /Unrecognized column 'nope' specified in :order_by; Supported columns are 'certname', /,
      ],
      [{ query: web, include_total: "yes" }, /for :include_total/],
      [{ query: [...web, ["=", "certname", "x"]] }, /accepts an optional query only as a second argument/],
    ];
    for (const [body, message] of cases) {
      const r = await pdb(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.headers["content-type"] ?? "", /^text\/plain/);
      assert.match(r.text, message, JSON.stringify(body));
    }
  });
});
