import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { commandRequests, emulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor } from "../support/faces";
import type { TestStack } from "../support/test-stack";

// Resources picked by config, so one stack and one emulator (the default world) serve every case.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

const config = new pulumi.Config("demo");
const cases = config.getObject<string[]>("cases") ?? [];
const tag = config.get("tag") ?? "1";
const has = (name: string) => cases.includes(name);
const web = 'inventory[certname] { facts.role = "web" }';

if (has("query")) new EnvironmentDeploy("web-query", { environment: "production", query: web, triggers: [tag] });
if (has("query")) new EnvironmentDeploy("web-query-noop", { environment: "production", query: web, noop: true });
if (has("group"))
  new EnvironmentDeploy("web-group", { environment: "production", nodeGroup: "11111111-1111-4111-8111-111111111111" });
if (has("offline"))
  new EnvironmentDeploy("with-offline", {
    environment: "development",
    nodes: ["node3.example.com", "offline.example.com"],
    requireConnected: has("strict"),
  });
if (has("plan"))
  new PlanRun("canary", { planName: "canary", params: { nodes: "node1.example.com,node2.example.com", command: "uptime" } });
if (has("typo")) new PlanRun("typo", { planName: "canry", params: { nodes: "node1.example.com", command: "uptime" } });
if (has("many"))
  for (let i = 0; i < 100; i++)
    new EnvironmentDeploy(\`many-\${i}\`, { environment: "production", query: \`nodes[certname] { facts.role = "\${["web", "db", "app", "none"][i % 4]}" }\` });
if (has("plan-env-typo"))
  new PlanRun("plan-env-typo", { planName: "canary", environment: "prodution", params: { nodes: "node1.example.com", command: "uptime" } });
if (has("env-typo")) new EnvironmentDeploy("env-typo", { environment: "prodution", nodes: ["node1.example.com"] });
`;

/** The diagnostics lines of one resource in \`pulumi preview\` output. */
function diagnostics(stdout: string, name: string): string {
  const start = stdout.indexOf(`(${name}):`, stdout.indexOf("Diagnostics:"));
  if (start < 0) return "";
  const end = stdout.indexOf("\n\n", start);
  return stdout.slice(start, end < 0 ? undefined : end);
}

forEachFace((face) =>
  describe(`preview says what up will run (real engine) (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;
    const count = (prefix: string) => emu.requests.filter((r) => r.path.startsWith(prefix)).length;
    const preview = async (cases: string[], extra: Record<string, string> = {}) => {
      await stack.setConfig("demo:cases", JSON.stringify(cases));
      for (const [key, value] of Object.entries(extra)) await stack.setConfig(key, value);
      return stack.preview();
    };

    before(async () => {
      ({ emu, stack } = await emulatorStack({
        project: "preview",
        files: { "index.ts": programFor(face, program) },
        ...stackOptionsFor(face),
        lookups: true,
      }));
    });
    after(async () => {
      await stack?.remove();
      await emu?.stop();
    });

    it("shows each new resource's targets on its row, one PuppetDB request per query, and no command", async () => {
      const before = { pdb: count("/pdb/"), groups: count("/classifier-api/") };
      const result = await preview(["query", "group", "offline", "plan"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const out = result.stdout;
      assert.match(
        out,
        /EnvironmentDeploy web-query create will run Puppet in production on 2 nodes: node1\.example\.com, node2\.example\.com \(query\)/,
      );
      assert.match(
        diagnostics(out, "web-query-noop"),
        /will run Puppet in noop mode in production on 2 nodes/,
      );
      assert.match(
        diagnostics(out, "web-group"),
        /will run Puppet in production on 2 nodes: node1\.example\.com, node2\.example\.com \(node group Web servers\)/,
      );
      assert.match(
        diagnostics(out, "canary"),
        /will run plan canary in production on 2 nodes: node1\.example\.com, node2\.example\.com \(params\.nodes\)/,
      );
      assert.match(
        diagnostics(out, "with-offline"),
        /warning: 1 of 2 nodes is not connected to the orchestrator: offline\.example\.com/,
      );
      assert.doesNotMatch(diagnostics(out, "web-query"), /warning/);
      // Two resources share the query: one request for it, one for the group's rule, one for the group.
      assert.equal(count("/pdb/") - before.pdb, 2);
      assert.equal(count("/classifier-api/") - before.groups, 1);
      assert.deepEqual(commandRequests(emu), []);
    });

    it("100 new resources over 4 distinct queries: 4 PuppetDB requests, one inventory request per new node set", async () => {
      const before = { pdb: count("/pdb/"), inventory: count("/orchestrator/v1/inventory") };
      const result = await preview(["many"]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(
        (result.stdout.match(/will run Puppet in production on \d+ nodes?/g) ?? []).length >= 75,
        true,
      );
      assert.match(
        diagnostics(result.stdout, "many-3"),
        /warning: will run Puppet in production on no nodes \(query\)/,
      );
      assert.equal(count("/pdb/") - before.pdb, 4);
      assert.ok(count("/orchestrator/v1/inventory") - before.inventory <= 3);
      console.log(
        `      (preview of 100 new query-scoped deploys: ${(result.elapsedMs / 1000).toFixed(1)} s)`,
      );
    });

    it("requireConnected: true turns a disconnected target into a preview failure naming the input", async () => {
      const result = await preview(["offline", "strict"]);
      assert.notEqual(result.code, 0);
      const out = result.stdout + result.stderr;
      assert.match(out, /requireConnected/);
      assert.match(out, /1 of 2 nodes is not connected to the orchestrator: offline\.example\.com/);
      assert.deepEqual(commandRequests(emu), []);
    });

    it("an unknown plan gets the closest names; an unknown environment a warning with them", async () => {
      const typo = await preview(["typo"]);
      assert.notEqual(typo.code, 0);
      assert.match(
        typo.stdout + typo.stderr,
        /planName.*could not find plan 'canry'.*\(did you mean canary\?\)/is,
      );
      const planEnvTypo = await preview(["plan-env-typo"]);
      assert.notEqual(planEnvTypo.code, 0);
      assert.match(
        planEnvTypo.stdout + planEnvTypo.stderr,
        /property environment .*Unknown environment prodution \(did you mean production\?\)/,
      );
      const envTypo = await preview(["env-typo"]);
      assert.equal(envTypo.code, 0, envTypo.stdout + envTypo.stderr);
      assert.match(
        diagnostics(envTypo.stdout, "env-typo"),
        /warning: environment prodution is not known to the orchestrator \(did you mean production\?\)/,
      );
    });

    it("without PuppetDB or the classifier the preview says what it could not resolve in one line and goes on", async () => {
      const result = await preview(["query", "group"], {
        "pe:puppetdbUrl": "https://127.0.0.1:9",
        "pe:classifierUrl": "https://127.0.0.1:9",
      });
      try {
        assert.equal(result.code, 0, result.stdout + result.stderr);
        const query = diagnostics(result.stdout, "web-query");
        assert.match(
          query,
          /could not resolve query .*PuppetDB at https:\/\/127\.0\.0\.1:9 \(pe:puppetdbUrl\) could not be reached \(ECONNREFUSED\); preview goes on/,
        );
        assert.equal(query.split("\n").filter((line) => /could not/.test(line)).length, 1, query);
        assert.match(diagnostics(result.stdout, "web-group"), /could not resolve node group .*classifier/);
        assert.ok(result.elapsedMs < 60_000, `preview took ${result.elapsedMs} ms`);
      } finally {
        await stack.setConfig("pe:puppetdbUrl", emu.url);
        await stack.setConfig("pe:classifierUrl", emu.url);
      }
    });

    it("after up, unchanged resources say nothing; a replaced one says what it will run", async () => {
      await stack.setConfig("demo:cases", JSON.stringify(["query", "plan"]));
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const unchanged = await stack.preview();
      assert.equal(unchanged.code, 0, unchanged.stdout + unchanged.stderr);
      assert.doesNotMatch(unchanged.stdout, /will run/);
      const replaced = await preview(["query", "plan"], { "demo:tag": "2" });
      assert.equal(replaced.code, 0, replaced.stdout + replaced.stderr);
      assert.match(replaced.stdout, /web-query\s+replace\s.*will run Puppet in production on 2 nodes/);
      assert.doesNotMatch(diagnostics(replaced.stdout, "web-query-noop"), /will run/);
      assert.doesNotMatch(diagnostics(replaced.stdout, "canary"), /will run/);
    });
  }),
);
