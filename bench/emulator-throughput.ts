/**
 * Emulator throughput on loopback: requests per second for GET /jobs/:id (HTTPS, keep-alive, 32
 * concurrent requests, at most 5 s or 50,000 requests) and the time to create and finish a deploy to
 * 10,000 nodes at the maximum time scale.
 * Run: npx ts-node --transpile-only bench/emulator-throughput.ts
 */
import * as https from "node:https";
import { type Emulator, MAX_TIME_SCALE, startEmulator, type WorldInput } from "../emulator";

const CONCURRENCY = 32;
const MAX_REQUESTS = 50_000;
const MAX_MS = 5_000;

function get(emu: Emulator, agent: https.Agent, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(`/orchestrator/v1${path}`, emu.url),
      { agent, ca: emu.caPem, headers: { "X-Authentication": emu.adminToken } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function post(
  emu: Emulator,
  agent: https.Agent,
  path: string,
  body: unknown,
): Promise<{ job: { name: string } }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(`/orchestrator/v1${path}`, emu.url),
      {
        method: "POST",
        agent,
        ca: emu.caPem,
        headers: { "X-Authentication": emu.adminToken, "Content-Type": "application/json" },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c;
        });
        res.on("end", () => (res.statusCode === 202 ? resolve(JSON.parse(text)) : reject(new Error(text))));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function waitFinished(
  emu: Emulator,
  agent: https.Agent,
  name: string,
): Promise<Record<string, unknown>> {
  for (;;) {
    const job = JSON.parse((await get(emu, agent, `/jobs/${name}`)).body);
    if (["finished", "failed", "stopped"].includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function getThroughput(): Promise<void> {
  const emu = await startEmulator({ quiet: true, timeScale: MAX_TIME_SCALE });
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const { job } = await post(emu, agent, "/command/deploy", { environment: "production" });
    await waitFinished(emu, agent, job.name);
    let sent = 0;
    let failed = 0;
    const started = performance.now();
    const worker = async () => {
      while (sent < MAX_REQUESTS && performance.now() - started < MAX_MS) {
        sent++;
        if ((await get(emu, agent, `/jobs/${job.name}`)).status !== 200) failed++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const secs = (performance.now() - started) / 1000;
    console.log(
      `GET /jobs/:id: ${sent} requests in ${secs.toFixed(2)} s = ${Math.round(sent / secs)} req/s ` +
        `(HTTPS keep-alive, ${CONCURRENCY} concurrent, ${failed} non-200)`,
    );
  } finally {
    agent.destroy();
    await emu.stop();
  }
}

async function bigDeploy(): Promise<void> {
  const nodes: WorldInput["nodes"] = Array.from({ length: 10_000 }, (_, i) => ({
    certname: `n${i}.example.com`,
  }));
  const emu = await startEmulator({
    quiet: true,
    timeScale: MAX_TIME_SCALE,
    world: { environments: [{ name: "production" }], nodes },
  });
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    const started = performance.now();
    const { job } = await post(emu, agent, "/command/deploy", {
      environment: "production",
      scope: { nodes: nodes.map((n) => n.certname) },
    });
    const created = performance.now();
    const done = await waitFinished(emu, agent, job.name);
    const finished = performance.now();
    const nodesStarted = performance.now();
    const page = await get(emu, agent, `/jobs/${job.name}/nodes?limit=100&order_by=name`);
    const nodesMs = performance.now() - nodesStarted;
    console.log(
      `10,000-node deploy at time scale ${MAX_TIME_SCALE}: POST ${(created - started).toFixed(0)} ms, ` +
        `created to ${done.state} ${(finished - created).toFixed(0)} ms, total ${(finished - started).toFixed(0)} ms ` +
        `(world time ${(10_000 / 8) * 30} s at concurrency 8); one 100-node page: ${nodesMs.toFixed(1)} ms, ` +
        `status ${page.status}`,
    );
  } finally {
    agent.destroy();
    await emu.stop();
  }
}

async function main(): Promise<void> {
  await getThroughput();
  await bigDeploy();
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
