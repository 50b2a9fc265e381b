import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultWorld, loadWorld } from "../../../emulator";
import { matchesPuppetType } from "../../../puppet-type/puppet-type";
import { call, finishedJob, quietEmulator } from "../helpers";

describe("emulator world files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-world-"));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it("the default world validates", () => {
    const world = loadWorld(defaultWorld);
    assert.ok(world.nodes.some((n) => n.certname === "node1.example.com"));
    assert.ok(world.plans.some((p) => p.name === "canary"));
  });

  it("errors name the file and the bad path", () => {
    const file = write("bad.yaml", "environments: []\nplans:\n  - name: Bad Name\n");
    assert.throws(
      () => loadWorld(file),
      (e: Error) => e.message.includes(file) && /environments: .*plans\[0\]\.name/.test(e.message),
    );
    assert.throws(() => loadWorld(write("bad.json", "{")), /cannot parse/);
    assert.throws(
      () =>
        loadWorld({
          environments: [{ name: "production" }],
          plans: [{ name: "a::b", environments: ["nope"] }],
        }),
      /plans\[0\]\.environments\[0\]: unknown environment nope/,
    );
    assert.throws(() => loadWorld({ environments: [{ name: "production" }], extra: 1 } as never), /extra/);
    assert.throws(
      () =>
        loadWorld({
          environments: [{ name: "production" }],
          plans: [{ name: "a::b", steps: [{ action: "run_task", object: "nope", targets: "{{params.t}}" }] }],
        }),
      /plans\[0\]\.steps\[0\]\.object: unknown task nope/,
    );
    assert.throws(
      () =>
        loadWorld({
          environments: [{ name: "production" }],
          plans: [{ name: "a::b", steps: [{ action: "run_apply", object: "x", targets: "n1" } as never] }],
        }),
      /plans\[0\]\.steps\[0\]\.action/,
    );
  });

  it("a YAML world drives node groups, PQL queries and plan behaviour", async () => {
    const file = write(
      "world.yaml",
      `
environments: [{ name: production }]
settings: { runSeconds: 10 }
nodes:
  - { certname: web1.example.com, facts: { role: web, os: { family: RedHat } } }
  - { certname: web2.example.com, facts: { role: web, os: { family: Debian } } }
  - { certname: db1.example.com, facts: { role: db, os: { family: RedHat } } }
nodeGroups:
  - { id: g-web, name: Web, rules: ["=", ["fact", "role"], "web"] }
  - { id: g-pinned, name: Pinned, nodes: [db1.example.com] }
plans:
  - name: mymod::hello
    parameters: { who: { type: String } }
    seconds: 1
    result: "hello {{params.who}}"
`,
    );
    const emu = await quietEmulator({ world: file, timeScale: 1000 });
    try {
      const targets = async (scope: unknown) => {
        const r = await call(emu, "POST", "/command/deploy", { body: { environment: "production", scope } });
        assert.equal(r.status, 202, r.text);
        await finishedJob(emu, r.body.job.name);
        const nodes = await call(emu, "GET", `/jobs/${r.body.job.name}/nodes?order_by=name`);
        return nodes.body.items.map((n: { name: string }) => n.name);
      };
      assert.deepEqual(await targets({ node_group: "g-web" }), ["web1.example.com", "web2.example.com"]);
      assert.deepEqual(await targets({ node_group: "g-pinned" }), ["db1.example.com"]);
      assert.deepEqual(await targets({ query: 'nodes[certname] { facts.os.family = "RedHat" }' }), [
        "db1.example.com",
        "web1.example.com",
      ]);
      assert.deepEqual(
        await targets({ query: 'inventory[certname] { certname ~ "web" and facts.role != "db" }' }),
        ["web1.example.com", "web2.example.com"],
      );
      assert.deepEqual(await targets({ query: ["from", "nodes", ["~", "certname", "^db"]] }), [
        "db1.example.com",
      ]);
      assert.deepEqual(await targets(undefined), ["db1.example.com", "web1.example.com", "web2.example.com"]);
      const plan = await call(emu, "POST", "/command/plan_run", {
        body: { plan_name: "mymod::hello", params: { who: "world" } },
      });
      const pj = await (async () => {
        for (;;) {
          const r = await call(emu, "GET", `/plan_jobs/${plan.body.name}`);
          if (r.body.state === "success") return r.body;
          await new Promise((res) => setTimeout(res, 10));
        }
      })();
      assert.equal(pj.result, "hello world");
      assert.equal(
        (await call(emu, "GET", "/plans/mymod/hello")).body.metadata.parameters.who.type,
        "String",
      );
    } finally {
      await emu.stop();
    }
  });

  it("checks Puppet parameter types", () => {
    assert.ok(matchesPuppetType("TargetSpec", "a,b"));
    assert.ok(matchesPuppetType("TargetSpec", ["a", ["b"]]));
    assert.ok(!matchesPuppetType("TargetSpec", 3));
    assert.ok(matchesPuppetType("Optional[Integer]", null));
    assert.ok(!matchesPuppetType("Optional[Integer]", 1.5));
    assert.ok(matchesPuppetType("Array[String]", ["x"]));
    assert.ok(!matchesPuppetType("Array[String]", [1]));
    assert.ok(matchesPuppetType("Variant[String, Integer]", 3));
    assert.ok(matchesPuppetType("Enum['a', 'b']", "b"));
    assert.ok(matchesPuppetType("Hash[String, Any]", { a: 1 }));
    assert.ok(matchesPuppetType("Sensitive[String]", "anything"));
  });
});
