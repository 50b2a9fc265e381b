import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";
import { call, quietEmulator } from "../helpers";

const latest = (names: string[]) => [
  "from",
  "reports",
  [
    "extract",
    ["certname", "start_time", "end_time"],
    ["and", ["=", "latest_report?", true], ["in", "certname", ["array", names]]],
  ],
];
const duration = (row: { start_time: string; end_time: string }) =>
  Date.parse(row.end_time) - Date.parse(row.start_time);

describe("emulator PuppetDB: latest reports", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator({
      timeScale: 100,
      world: {
        environments: [{ name: "production" }, { name: "staging" }],
        nodes: [
          { certname: "web1", runSeconds: 40 },
          { certname: "web2", runSeconds: 20, environment: "staging" },
        ],
        settings: { runSeconds: 30 },
      },
    });
  });
  after(() => emu.stop());

  it("a node's latest report is its scheduled agent run, as long as its runSeconds at the time scale", async () => {
    const r = await call(emu, "POST", "/pdb/query/v4", { body: { query: latest(["web1", "web2", "nope"]) } });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.map((row: { certname: string; start_time: string; end_time: string }) => [
        row.certname,
        duration(row),
      ]),
      [
        ["web1", 400],
        ["web2", 200],
      ],
    );
    assert.equal(r.body[1].environment, "staging");
    assert.ok(Date.parse(r.body[0].end_time) < Date.now(), "it ended before the emulator started");
  });

  it("after a deploy has ended, the node's latest report is that run", async () => {
    const deploy = await call(emu, "POST", "/orchestrator/v1/command/deploy", {
      body: { environment: "staging", scope: { nodes: ["web1"] } },
    });
    assert.equal(deploy.status, 202);
    const before = await call(emu, "POST", "/pdb/query/v4", { body: { query: latest(["web1"]) } });
    assert.equal(before.body[0].environment, "production", "a run still going has no report yet");
    await new Promise((r) => setTimeout(r, 600));
    const after = await call(emu, "POST", "/pdb/query/v4", { body: { query: latest(["web1"]) } });
    assert.equal(after.body[0].environment, "staging");
    assert.ok(Date.parse(after.body[0].end_time) > Date.parse(before.body[0].end_time));
  });

  it("names no node: every node's latest report in certname order, paged by a limit clause", async () => {
    const fleet = ["from", "reports", ["=", "latest_report?", true]];
    const all = await call(emu, "POST", "/pdb/query/v4", { body: { query: fleet } });
    assert.deepEqual(
      all.body.map((row: { certname: string }) => row.certname),
      ["web1", "web2"],
    );
    const page = await call(emu, "POST", "/pdb/query/v4", {
      body: { query: [...fleet, ["order_by", [["certname", "asc"]]], ["limit", 1]] },
    });
    assert.deepEqual(
      page.body.map((row: { certname: string }) => row.certname),
      ["web1"],
    );
    const bad = await call(emu, "POST", "/pdb/query/v4", { body: { query: [...fleet, ["limit", -1]] } });
    assert.equal(bad.status, 400);
  });

  it("asks for the latest reports only: others are a plain-text 400", async () => {
    const r = await call(emu, "POST", "/pdb/query/v4", {
      body: { query: ["from", "reports", ["=", "certname", "web1"]] },
    });
    assert.equal(r.status, 400);
    assert.match(r.text, /latest_report\?/);
  });
});
