import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Emulator } from "../../emulator";
import { commandRequests, emulatorStack } from "../support/emulator-stack";
import { measurePluginStartup } from "../support/plugin-startup";
import { pathWithoutPlugin } from "../support/plugin";
import { repoRoot } from "../support/pulumi-cli";
import type { TestStack } from "../support/test-stack";

const run = promisify(execFile);
const version = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
).version;
const PLUGIN = "pulumi-resource-pe";

// One PlanRun, typed by the schema the installed plugin serves (the YAML host asks the engine for it).
const program = `name: pluginyaml
runtime: yaml
resources:
  canary:
    type: pe:index:PlanRun
    properties:
      planName: canary
      params:
        nodes: [node1.example.com]
        command: whoami
        canary: 1
outputs:
  planState: \${canary.state}
  jobId: \${canary.jobId}
`;

/** Runs a command to its end, whatever its exit status. */
async function runAny(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

// The plugin as a user gets it: `npm run plugin` makes the tarball, `pulumi plugin install --file` puts it in
// PULUMI_HOME, and a YAML program (no Node.js of its own) runs PlanRun with it, nothing on PATH to fall back on.
describe("plugin package: npm run plugin, pulumi plugin install --file, a YAML program", function () {
  this.timeout(15 * 60 * 1000); // the build compiles the project and installs its production dependencies
  let tarball: string;
  let emu: Emulator;
  let stack: TestStack;
  let installed: string;
  let scratch: string;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pe-plugin-"));
    const started = Date.now();
    const { stdout, stderr } = await run("npm", ["run", "--silent", "plugin"], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    const buildMs = Date.now() - started;
    assert.equal(stdout.trim().split("\n").length, 1, `only the path on stdout:\n${stdout}`);
    tarball = stdout.trim();
    console.log(
      `      (npm run plugin ${buildMs} ms, ${(fs.statSync(tarball).size / 1e6).toFixed(1)} MB)\n` +
        stderr.trimEnd().replace(/^/gm, "      "),
    );
    ({ emu, stack } = await emulatorStack({
      project: "pluginyaml",
      files: { "Pulumi.yaml": program },
      env: { PATH: pathWithoutPlugin() },
    }));
    const install = await stack.pulumiOk(["plugin", "install", "resource", "pe", version, "--file", tarball]);
    console.log(`      (pulumi plugin install ${install.elapsedMs} ms)`);
    installed = path.join(stack.environment().PULUMI_HOME ?? "", "plugins", `resource-pe-v${version}`);
  });

  after(async () => {
    await stack?.remove();
    await emu?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("prints the tarball's path, named as Pulumi names a plugin for this platform", () => {
    assert.equal(tarball, path.join(repoRoot, "dist", "plugin", `${PLUGIN}-v${version}-linux-amd64.tar.gz`));
    assert.ok(fs.statSync(tarball).size > 0);
  });

  it("installs into PULUMI_HOME: the launcher, the bundled plugin with its code cache, nothing else", async () => {
    const list = await stack.pulumiOk(["plugin", "ls", "--json"]);
    const plugins = JSON.parse(list.stdout) as Array<{ name: string; kind: string; version: string }>;
    assert.deepEqual(
      plugins.map((p) => `${p.kind} ${p.name} ${p.version}`),
      [`resource pe ${version}`],
    );
    const launcher = path.join(installed, PLUGIN);
    assert.ok(fs.statSync(launcher).mode & 0o111, "the launcher is executable");
    assert.match(
      fs.readFileSync(launcher, "utf8"),
      /exec node "\$\(dirname "\$0"\)\/bin\/pulumi-resource-pe\.js"/,
    );
    const packageJson = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(packageJson.version, version);
    // the schema it serves is the committed one, inside the bundle
    const bundle = fs.readFileSync(path.join(installed, "bin", "plugin.js"), "utf8");
    assert.ok(bundle.includes('"pe:index:PlanRun"'), "the schema is in the bundle");
    assert.ok(fs.statSync(path.join(installed, "bin", "plugin.js.cache")).size > 0, "a code cache");
    // one file instead of node_modules: no sources, tests, emulator or development tools
    const files = fs
      .readdirSync(installed, { recursive: true, encoding: "utf8" })
      .filter((f) => !/^\.|[/\\]\./.test(f) && !f.endsWith(".lock"))
      .sort();
    assert.deepEqual(files, [
      "bin",
      "bin/plugin.js",
      "bin/plugin.js.cache",
      "bin/pulumi-resource-pe.js",
      "package.json",
      PLUGIN,
    ]);
  });

  it("run by hand with no arguments, says what it is and exits non-zero", async () => {
    const result = await runAny(path.join(installed, PLUGIN), [], process.env);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /^pulumi-resource-pe: the Pulumi provider plugin for Puppet Enterprise/);
    assert.match(result.stderr, /it is not run by hand/);
    assert.match(result.stderr, /pulumi plugin install resource pe <version> --file/);
  });

  it("says clearly when Node.js is missing from PATH, or older than 20", async () => {
    const launcher = path.join(installed, PLUGIN);
    const empty = fs.mkdtempSync(path.join(scratch, "no-node-"));
    const missing = await runAny(launcher, [], { PATH: empty });
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /Node\.js >= 20 is needed on PATH to run this plugin, and no node was found/,
    );
    const old = fs.mkdtempSync(path.join(scratch, "old-node-"));
    fs.writeFileSync(path.join(old, "node"), "#!/bin/sh\necho v18.20.4\n", { mode: 0o755 });
    const tooOld = await runAny(launcher, [], { PATH: old });
    assert.equal(tooOld.code, 1);
    assert.match(
      tooOld.stderr,
      /Node\.js >= 20 is needed on PATH to run this plugin; .*\/node is v18\.20\.4/,
    );
  });

  it("starts and prints its port (start-up time measured)", async () => {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await measurePluginStartup(path.join(installed, PLUGIN)));
    for (const r of runs) assert.ok(r.port > 0);
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    console.log(`      (plugin start-up to port: ${ms.join(", ")} ms; median ${ms[1]} ms)`);
  });

  it("pulumi preview runs the installed plugin, not one from PATH", async () => {
    // -v=6: the engine logs where it found each plugin
    const preview = await stack.preview(["--logtostderr", "-v=6"]);
    const output = preview.stdout + preview.stderr;
    assert.equal(preview.code, 0, output.slice(-8000));
    assert.doesNotMatch(output, /from \$PATH/);
    assert.doesNotMatch(output, /is expected to have version/, "the installed plugin reports its version");
    assert.match(
      output,
      new RegExp(`GetPluginPath\\(resource, pe, [^)]*\\): found in cache at ${installed}\\b`),
      "the engine took pe from its plugin cache",
    );
    assert.match(preview.stdout, /\+\s+pe:index:PlanRun\s+canary\s+create/);
    assert.deepEqual(commandRequests(emu), [], "preview starts no job");
  });

  it("pulumi up creates the PlanRun with it: the emulator ran the plan", async () => {
    const up = await stack.up();
    const output = up.stdout + up.stderr;
    assert.equal(up.code, 0, output);
    assert.doesNotMatch(output, /from \$PATH/);
    assert.doesNotMatch(output, /is expected to have version/, "the installed plugin reports its version");
    assert.deepEqual(commandRequests(emu), ["/orchestrator/v1/command/plan_run"]);
    const outputs = await stack.outputs();
    assert.equal(outputs.planState, "success");
    assert.match(String(outputs.jobId), /^\d+$/);
    const resources = (await stack.exportState()).deployment.resources ?? [];
    const plan = resources.find((r) => r.type === "pe:index:PlanRun");
    assert.equal(plan?.id, String(outputs.jobId), "the PlanRun's id is its job id");
    assert.ok(
      resources.some((r) => r.type === "pulumi:providers:pe"),
      "a default provider of package pe",
    );
    const destroy = await stack.destroy();
    assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
  });
});
