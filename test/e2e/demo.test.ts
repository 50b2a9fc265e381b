import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../support/pulumi-cli";

// `npm run demo` as a user runs it (twice), then `npm run demo -- destroy`, with .demo/ relocated to a temp folder.

function demo(demoDir: string, args: string[] = []): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(repoRoot, "scripts", "demo.sh"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, PE_DEMO_DIR: demoDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

/** True while the process runs (a zombie, exited but not yet reaped by whoever adopted it, counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !fs.existsSync(stat) || !/^\d+ \(.*\) Z/.test(fs.readFileSync(stat, "utf8"));
}

describe("demo: scripts/demo.sh against the emulator it starts", function () {
  this.timeout(3 * 60 * 1000);
  const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), "pe-demo-"));
  const pidFile = path.join(demoDir, "emulator.pid");
  let first = "";

  after(() => {
    // Only when a test failed before destroy: do not leave the emulator running.
    if (fs.existsSync(pidFile)) process.kill(Number(fs.readFileSync(pidFile, "utf8")), "SIGTERM");
    fs.rmSync(demoDir, { recursive: true, force: true });
  });

  it("runs the code deploy, the deploy and the canary plan and prints ids, states and the plan result", async () => {
    const run = await demo(demoDir);
    first = run.output;
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /demo: emulator started \(pid \d+\) at https:\/\/127\.0\.0\.1:\d+/);
    assert.match(
      run.output,
      /CodeDeploy production: deploy \d+, state complete, commit 482f8d3adc76b5197306c5d4c8aa32aa8315694b/,
    );
    // A whole-environment deploy: the default world's five production agents.
    assert.match(run.output, /EnvironmentDeploy production: job \d+, state finished, nodes \{"finished":5\}/);
    assert.match(run.output, /PlanRun canary: plan job \d+, state success/);
    assert.match(run.output, /task jobs of its steps: \d+, \d+\n/);
    assert.match(
      run.output,
      /plan result: \[\{"action":"command","object":"whoami","status":"success","target":"node1.example.com"/,
    );
    assert.ok(
      !fs.existsSync(path.join(repoRoot, "Pulumi.demo.yaml")),
      "stack config stays in the demo folder",
    );
  });

  it("a second run reuses the emulator and changes nothing", async () => {
    const run = await demo(demoDir);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /demo: emulator already running/);
    assert.match(run.output, /4 unchanged/);
    const jobs = (output: string) => output.match(/^(CodeDeploy|EnvironmentDeploy|PlanRun) .*$/gm);
    assert.deepEqual(jobs(run.output), jobs(first));
  });

  it("destroy removes the stack and stops the emulator", async () => {
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    assert.ok(alive(pid));
    const run = await demo(demoDir, ["destroy"]);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /4 deleted/);
    assert.match(run.output, new RegExp(`demo: emulator \\(pid ${pid}\\) stopped`));
    assert.ok(!alive(pid));
    assert.ok(!fs.existsSync(pidFile));
  });
});
