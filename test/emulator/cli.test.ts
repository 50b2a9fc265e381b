import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import type { Emulator } from "../../emulator";
import { call } from "./helpers";

const repoRoot = path.resolve(__dirname, "..", "..");

function startCli(args: string[]) {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", ...args],
    {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const ready = new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, ready, exited, stderr: () => stderr };
}

describe("emulator CLI", () => {
  it("prints a ready line, serves HTTPS with the CA in --state-dir, logs without tokens, exits 0 on SIGTERM", async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-cli-"));
    const cli = startCli(["--port", "0", "--state-dir", stateDir, "--time-scale", "max"]);
    const line = await cli.ready;
    const m = /^pe-orchestrator-emulator ready at (https:\/\/127\.0\.0\.1:\d+) \(state: (.+)\)$/.exec(line);
    assert.ok(m, line);
    assert.equal(m[2], stateDir);
    const token = fs.readFileSync(path.join(stateDir, "token"), "utf8").trim();
    const caPem = fs.readFileSync(path.join(stateDir, "ca.pem"), "utf8");
    const emu = { url: m[1], adminToken: token, caPem } as Emulator;
    const r = await call(emu, "POST", "/command/deploy", { body: { environment: "production" } });
    assert.equal(r.status, 202);
    assert.equal(r.body.job.id, `${m[1]}/orchestrator/v1/jobs/1`);
    assert.equal(
      (await call(emu, "GET", `/orchestrator/v1/jobs/1?token=${token}`, { token: null })).status,
      200,
    );
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 0);
    assert.match(cli.stderr(), /POST \/orchestrator\/v1\/command\/deploy 202 [\d.]+ms/);
    assert.ok(!cli.stderr().includes(token));
    assert.ok(fs.existsSync(path.join(stateDir, "state.json")));
  });

  it("--http serves plain HTTP; a bad world file fails with a message naming the path", async () => {
    const cli = startCli(["--port", "0", "--http"]);
    const line = await cli.ready;
    const url = /(http:\/\/\S+)/.exec(line)?.[1] ?? "";
    const r = await call({ url, adminToken: "x", caPem: "" } as Emulator, "GET", "/jobs");
    assert.equal(r.status, 401);
    cli.child.kill("SIGINT");
    assert.equal(await cli.exited, 0);

    const worldFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "emu-world-")), "world.yaml");
    fs.writeFileSync(worldFile, "environments:\n  - name: production\nnodes:\n  - certname: 42\n");
    const bad = startCli(["--port", "0", "--world", worldFile]);
    await assert.rejects(bad.ready, /nodes\[0\]\.certname/);
    assert.equal(await bad.exited, 2);
  });
});
