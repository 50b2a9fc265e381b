import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Emulator } from "../../emulator";
import { startEmulator } from "../../emulator";
import { assertPipelineOutputs, okOrShow, started } from "../plugin/support/pipeline-checks";
import { pulumiBinDir, repoRoot } from "../support/pulumi-cli";
import { pulumiPythonVersion } from "../support/python-venv";
import { TestStack } from "../support/test-stack";
import { releaseFolder } from "./support/release";

const run = promisify(execFile);
const version = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
).version;
/** Where the schema says releases live: the engine's source URL for the plugin, which the mirror stands in for. */
const SERVER = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "provider", "plugin", "schema.json"), "utf8")) as {
    pluginDownloadURL: string;
  }
).pluginDownloadURL;

/** dist/release over HTTP on 127.0.0.1, as an air-gapped site mirrors a release; it records what was fetched. */
async function serveMirror(dir: string): Promise<{ url: string; fetched: string[]; close(): Promise<void> }> {
  const fetched: string[] = [];
  const server = http.createServer((req, res) => {
    const file = path.join(
      dir,
      path.normalize(decodeURIComponent(req.url ?? "/")).replace(/^(\.\.[/\\])+/, ""),
    );
    fetched.push(req.url ?? "");
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-length": fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fetched,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// A user's machine: no clone, no Node.js. The release (npm run release) is served from a local mirror; the engine,
// pointed at it by PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES, installs the plugin by itself into a fresh PULUMI_HOME at a
// plain `pulumi up` of a Python, a YAML and a Go program, with a PATH that holds no `node`.
describe("release: pip install, go get or a Pulumi YAML program, then pulumi up: the engine installs the plugin from a mirror, no Node.js", function () {
  this.timeout(20 * 60 * 1000);
  let release: string;
  let mirror: Awaited<ReturnType<typeof serveMirror>>;
  let emu: Emulator;
  let noNode: string;

  before(async () => {
    release = releaseFolder();
    mirror = await serveMirror(release);
    emu = await startEmulator({ quiet: true, timeScale: 100 });
    // what a user's PATH has for these programs: the Pulumi CLI and Go, and no node
    noNode = [
      pulumiBinDir(),
      path.dirname(fs.realpathSync(execFileSync("which", ["go"]).toString().trim())),
    ].join(path.delimiter);
    for (const dir of noNode.split(path.delimiter))
      assert.ok(!fs.existsSync(path.join(dir, "node")), `${dir} has node`);
  });
  after(async () => {
    await mirror?.close();
    await emu?.stop();
  });

  /** A stack whose engine installs plugins from the mirror only, and finds no node. */
  async function userStack(
    project: string,
    files: Record<string, string>,
    runtime: string,
  ): Promise<TestStack> {
    const escaped = SERVER.replace(/[.]/g, "\\.");
    const stack = await TestStack.create({
      project,
      files,
      runtime,
      env: {
        PATH: noNode,
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "",
        PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^${escaped}$=${mirror.url}`,
        CGO_ENABLED: "0",
        GOFLAGS: "-mod=mod -buildvcs=false",
        GOPROXY: `file://${path.join(release, "goproxy")},${process.env.GOPROXY ?? "https://proxy.golang.org"}`,
        GONOSUMDB: "github.com/pulumi-pe-orchestrator/*,github.com/pulumi/*",
      },
    });
    await stack.setConfig("pe:serviceUrl", emu.url);
    // the emulator serves Code Manager, PuppetDB and the classifier on its own port
    for (const key of ["pe:codeManagerUrl", "pe:puppetdbUrl", "pe:classifierUrl"])
      await stack.setConfig(key, emu.url);
    await stack.setConfig("pe:cacert", emu.caFile);
    await stack.setConfig("pe:token", emu.adminToken, { secret: true });
    return stack;
  }

  /** up, a second up that changes nothing, destroy: the plugin fetched from the mirror by the engine, once. */
  async function upTwiceAndDestroy(stack: TestStack, jobs: number): Promise<Record<string, unknown>> {
    const before = started(emu).length;
    const tarball = `/pulumi-resource-pe-v${version}-linux-amd64.tar.gz`;
    try {
      const first = await stack.up();
      okOrShow(first);
      if (process.env.PE_TEST_SHOW) console.log(first.stdout, first.stderr);
      const installed = path.join(
        stack.dir,
        ".home",
        "plugins",
        `resource-pe-v${version}`,
        "pulumi-resource-pe",
      );
      const plugins = path.join(stack.dir, ".home", "plugins");
      assert.ok(
        fs.existsSync(installed),
        `the engine installed the plugin into PULUMI_HOME: ${fs.existsSync(plugins) ? fs.readdirSync(plugins) : "none"}`,
      );
      assert.ok(
        mirror.fetched.includes(tarball),
        `the engine fetched ${tarball}: ${mirror.fetched.join(", ")}`,
      );
      assert.equal(started(emu).length - before, jobs);
      const outputs = await stack.outputs();
      assert.match(okOrShow(await stack.up(["--expect-no-changes"])), /unchanged/);
      assert.equal(started(emu).length - before, jobs, "a second up starts nothing");
      okOrShow(await stack.destroy());
      return outputs;
    } finally {
      await stack.remove();
    }
  }

  it("Python: a virtualenv with pulumi from PyPI and the released wheel", async () => {
    const example = path.join(repoRoot, "examples", "python-pipeline");
    const stack = await userStack(
      "python-pipeline",
      { "__main__.py": fs.readFileSync(path.join(example, "__main__.py"), "utf8") },
      "runtime:\n  name: python\n  options:\n    virtualenv: venv\n",
    );
    const wheel = fs.readdirSync(release).find((f) => f.endsWith(".whl"));
    assert.ok(wheel, "the release has a wheel");
    await run("python3", ["-m", "venv", path.join(stack.dir, "venv")]);
    await run(
      path.join(stack.dir, "venv", "bin", "python"),
      [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        `pulumi==${pulumiPythonVersion}`,
        path.join(release, wheel),
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    assertPipelineOutputs(await upTwiceAndDestroy(stack, 3));
  });

  it("YAML: the plugin's version and home in the resources' options", async () => {
    const options = `options: { version: ${version}, pluginDownloadURL: "${SERVER}" }`;
    const program = [
      "resources:",
      "  code:",
      "    type: pe:index:CodeDeploy",
      "    properties: { environments: [production] }",
      `    ${options}`,
      "  canary:",
      "    type: pe:index:PlanRun",
      "    properties:",
      "      planName: canary",
      "      params: { nodes: [node1.example.com], command: whoami }",
      "      triggers:",
      '        - ${code.deploySignatures["production"]}',
      `    ${options}`,
      "outputs:",
      "  planState: ${canary.state}",
    ].join("\n");
    const stack = await userStack("yaml-offline", { "Main.yaml": `${program}\n` }, "runtime: yaml\n");
    const outputs = await upTwiceAndDestroy(stack, 2);
    assert.equal(outputs.planState, "success");
  });

  it("Go: the SDK's module from the release (a Go module proxy's layout)", async () => {
    const example = path.join(repoRoot, "examples", "go-pipeline");
    const goMod = fs
      .readFileSync(path.join(example, "go.mod"), "utf8")
      .replace(/^\/\/.*\n/gm, "")
      .replace(/^replace .*$/m, "");
    const stack = await userStack(
      "go-pipeline",
      {
        "main.go": fs.readFileSync(path.join(example, "main.go"), "utf8"),
        "go.mod": goMod,
        "go.sum": fs.readFileSync(path.join(example, "go.sum"), "utf8"),
      },
      "runtime: go\n",
    );
    assertPipelineOutputs(await upTwiceAndDestroy(stack, 3));
  });
});
