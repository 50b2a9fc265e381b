import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { exitWithEngine } from "../../provider/engine/exit-with-engine";
import { repoRoot } from "../support/pulumi-cli";

// engine-cancel.ts and exit-with-engine.ts, each in a process of its own (what they watch is process-wide: the
// process's gRPC server, its parent, the engine's address), shaped like the SDK's dynamic-provider process.
// The real engine drives them in test/reliability/interrupts.test.ts.

const tsNode = require.resolve("ts-node/register/transpile-only");
const sdkRequire = (id: string) => require.resolve(id, { paths: [require.resolve("@pulumi/pulumi")] });

/** Runs `code` (CommonJS; `$repo` is this clone) with node, as `<dir>/cmd/dynamic-provider/index.js <args>`. */
function runAsProvider(
  dir: string,
  code: string,
  args: string[],
  options: { shell?: boolean } = {},
): ChildProcess {
  const file = path.join(dir, "cmd", "dynamic-provider", "index.js");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code.replaceAll("$repo", JSON.stringify(repoRoot).slice(1, -1)));
  const env = { ...process.env, TS_NODE_PROJECT: path.join(repoRoot, "tsconfig.json") };
  if (options.shell) {
    // node in the background of a shell that is killed later: node is re-parented
    const command = `node -r ${tsNode} ${file} ${args.join(" ")} & echo "node $!"; wait`;
    return spawn("sh", ["-c", command], { env, stdio: ["ignore", "pipe", "inherit"] });
  }
  return spawn("node", ["-r", tsNode, file, ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
}

/** Everything each child wrote to stdout so far. */
const outputs = new WeakMap<ChildProcess, { text: string }>();

/** Resolves with the first match of `pattern` in the child's stdout (so far or to come). */
function lineMatching(child: ChildProcess, pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  let out = outputs.get(child);
  if (!out) {
    const collected = { text: "" };
    child.stdout!.on("data", (chunk: Buffer) => (collected.text += chunk.toString()));
    outputs.set(child, collected);
    out = collected;
  }
  const seen = out;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const look = () => {
      const match = seen.text.match(pattern);
      if (match) return resolve(match);
      if (Date.now() - started > ms) return reject(new Error(`no match for ${pattern} in: ${seen.text}`));
      setTimeout(look, 20);
    };
    look();
  });
}

const isAlive = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

async function waitGone(pid: number, ms: number): Promise<number> {
  const started = Date.now();
  while (isAlive(pid)) {
    if (Date.now() - started > ms) throw new Error(`process ${pid} still alive after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

describe("the provider process and the engine's lifetime", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pe-engine-lifetime-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the engine's Cancel RPC on the SDK's gRPC server aborts the waits' signal; other calls do not", async () => {
    const child = runAsProvider(
      dir,
      `
      const grpc = require(${JSON.stringify(sdkRequire("@grpc/grpc-js"))});
      const server = new grpc.Server();
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
        const { engineCancelled } = require("$repo/provider/dynamic/engine-cancel");
        const signal = engineCancelled();
        signal.addEventListener("abort", () => console.log("aborted: " + signal.reason.message));
        const client = new grpc.Client("127.0.0.1:" + port, grpc.credentials.createInsecure());
        const call = (method, next) =>
          client.makeUnaryRequest(method, (x) => x, (x) => x, Buffer.alloc(0), () => next());
        call("/pulumirpc.ResourceProvider/Check", () => {
          console.log("after Check: " + signal.aborted);
          call("/pulumirpc.ResourceProvider/Cancel", () => setTimeout(() => process.exit(0), 50));
        });
      });
      `,
      [],
    );
    assert.deepEqual([...(await lineMatching(child, /after Check: (\w+)/))].slice(1), ["false"]);
    assert.match((await lineMatching(child, /aborted: .*/))[0], /asked to cancel/);
  });

  it("without a gRPC server to watch, it does nothing (and does not fail)", async () => {
    const child = runAsProvider(
      dir,
      `
      const { engineCancelled } = require("$repo/provider/dynamic/engine-cancel");
      console.log("aborted: " + engineCancelled().aborted);
      `,
      [],
    );
    assert.equal((await lineMatching(child, /aborted: \w+/))[0], "aborted: false");
  });

  it("exits within 5 s once the engine's address stops answering", async () => {
    const engine = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
    const port = (engine.address() as net.AddressInfo).port;
    const child = runAsProvider(
      dir,
      `
      require("$repo/provider/engine/exit-with-engine").exitWithEngine();
      console.log("watching");
      setInterval(() => {}, 1000); // a provider waiting on a job
      `,
      [`127.0.0.1:${port}`],
    );
    await lineMatching(child, /watching/);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.ok(isAlive(child.pid!), "alive while the engine answers");
    await new Promise<void>((resolve) => engine.close(() => resolve()));
    const goneMs = await waitGone(child.pid!, 5000);
    assert.ok(goneMs <= 5000, `${goneMs} ms`);
  });

  it("exits within 5 s once its parent process is gone, even while the engine's address answers", async () => {
    const engine = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
    const port = (engine.address() as net.AddressInfo).port;
    try {
      const shell = runAsProvider(
        dir,
        `
        require("$repo/provider/engine/exit-with-engine").exitWithEngine();
        setInterval(() => {}, 1000);
        `,
        [`127.0.0.1:${port}`],
        { shell: true },
      );
      const pid = Number((await lineMatching(shell, /node (\d+)/))[1]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.ok(isAlive(pid), "alive while its parent lives");
      shell.kill("SIGKILL");
      const goneMs = await waitGone(pid, 5000);
      assert.ok(goneMs <= 5000, `${goneMs} ms`);
    } finally {
      engine.close();
    }
  });

  it("does nothing outside the SDK's provider process (tests, benchmarks)", () => {
    assert.equal(exitWithEngine().aborted, false);
  });
});
