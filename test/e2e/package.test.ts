import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { commandRequests, emulatorStack } from "../support/emulator-stack";
import { repoRoot } from "../support/pulumi-cli";
import type { TestStack } from "../support/test-stack";

const rootPackage = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const program = `
import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

const deploy = new EnvironmentDeploy("web", { environment: "production", nodes: ["node1.example.com"] });
const plan = new PlanRun("canary", {
  planName: "canary",
  params: { nodes: ["node1.example.com"], command: "whoami", canary: 1 },
});
export const deployState = deploy.state;
export const planState = plan.state;
`;

// The package as a user gets it: `npm pack`, installed from the tarball into a fresh project outside this clone.
describe("package: npm pack, install the tarball into a fresh project, up and destroy", function () {
  this.timeout(10 * 60 * 1000);
  let workDir: string;
  let emu: Emulator;
  let stack: TestStack;

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pe-package-"));
    const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", workDir], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    const tarball = path.join(workDir, packed.trim().split("\n").pop() ?? "");
    ({ emu, stack } = await emulatorStack({
      project: "user",
      parentDir: workDir,
      files: {
        "index.ts": program,
        "package.json": JSON.stringify({
          name: "user",
          private: true,
          dependencies: {
            "pulumi-pe-orchestrator": `file:${tarball}`,
            "@pulumi/pulumi": rootPackage.dependencies["@pulumi/pulumi"],
          },
          devDependencies: {
            typescript: rootPackage.devDependencies.typescript,
            "@types/node": rootPackage.devDependencies["@types/node"],
          },
        }),
      },
    }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent"], {
      cwd: stack.dir,
      stdio: "inherit",
    });
  });

  after(async () => {
    await stack?.remove();
    await emu?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("the tarball holds the built provider and emulator, not sources or tests", () => {
    const installed = path.join(stack.dir, "node_modules", "pulumi-pe-orchestrator");
    assert.ok(fs.existsSync(path.join(installed, "dist", "provider", "index.js")));
    assert.ok(fs.existsSync(path.join(installed, "dist", "provider", "index.d.ts")));
    assert.ok(fs.existsSync(path.join(installed, "dist", "emulator", "cli.js")));
    assert.equal(fs.existsSync(path.join(installed, "test")), false);
    assert.equal(fs.existsSync(path.join(installed, "provider")), false);
    assert.ok(!fs.realpathSync(installed).startsWith(repoRoot), "installed from the tarball, not linked");
  });

  it("pulumi up runs both resources from the installed package, and destroy removes them", async () => {
    const up = await stack.up();
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.deepEqual(await stack.outputs(), { deployState: "finished", planState: "success" });
    assert.equal(commandRequests(emu).length, 2);
    const destroy = await stack.destroy();
    assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
  });

  it("the serialized provider in state is small and names no local path of this clone", async () => {
    await stack.up();
    const resources = (await stack.exportState()).deployment.resources ?? [];
    const deploy = resources.find((r) => r.type.endsWith("EnvironmentDeploy"));
    const serialized = String(deploy?.inputs?.__provider ?? "");
    assert.ok(serialized.length > 0);
    // a provider given as text that names its type, not a serialized closure (which was ~2.5 KB)
    assert.ok(serialized.length < 256, `serialized provider is ${serialized.length} bytes`);
    assert.equal(serialized.includes(repoRoot), false);
    await stack.destroy();
  });
});
