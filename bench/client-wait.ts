// How many requests waitForJob makes and how late it returns after a job ends, for 5 s, 60 s and
// 600 s deploys against the emulator. Run: npx ts-node --transpile-only bench/client-wait.ts
//
// Fair measure: the wait's poll schedule depends on elapsed time, so when the emulator runs faster
// than real time (timeScale s) the client's clock runs s times faster too (every sleep is divided by
// s). The request count is then exactly what a real job of that length costs. Lateness is measured in
// real ms from the moment the emulator's job ended to waitForJob returning, and multiplied by s to give
// job-time lateness: conservative, because request round trips are multiplied as well. To keep that
// distortion small, 5 s and 60 s jobs run in real time (s = 1) and 600 s jobs at s = 10.
//
// Two modes run side by side: "unknown end" (nothing tells the wait when the job will end: the
// first deploy of a resource) and "expected end" (the wait is given the previous run's duration, as a
// replaced resource knows it; each job's real duration differs from it by up to ±2%).
import { defaultWorld, startEmulator } from "../emulator";
import {
  type Clock,
  createOrchestratorClient,
  type OrchestratorClient,
  waitForJob,
} from "../provider/client";

const JOBS_PER_MODE = 10;
const CASES = [
  { seconds: 5, timeScale: 1 },
  { seconds: 60, timeScale: 1 },
  { seconds: 600, timeScale: 10 },
];
const GOAL_LATE_P50_MS = 100;
const STAGGER_MS = 100;
const GOAL_REQUESTS_60S = 20;

/** ±2% spread of run times around the nominal duration, one value per job. */
const spread = (i: number) => 1 + ((i / (JOBS_PER_MODE - 1)) * 2 - 1) * 0.02;

function scaledClock(scale: number): Clock {
  const t0 = Date.now();
  return {
    now: () => t0 + (Date.now() - t0) * scale,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        setTimeout(resolve, ms / scale);
      }),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Sample {
  requests: number;
  lateMs: number;
}

async function runJob(
  client: OrchestratorClient,
  node: string,
  scale: number,
  expectedDurationMs: number | undefined,
): Promise<Sample> {
  // the emulator creates the job between sending and answering the POST: counting from the send
  // makes lateness an upper bound
  const sentAt = Date.now();
  const { job } = await client.deploy({ environment: "production", scope: { nodes: [node] } });
  const result = await waitForJob(client, job.name, { clock: scaledClock(scale), expectedDurationMs });
  const returnedAt = Date.now();
  // the emulator fixes a job's schedule at creation: it ends `duration` real seconds after the POST
  const endedAt = sentAt + (result.job.duration ?? 0) * 1000;
  return { requests: result.requests, lateMs: (returnedAt - endedAt) * scale };
}

async function main() {
  console.log(`waitForJob: ${JOBS_PER_MODE} concurrent deploys per mode; lateness in job-time ms\n`);
  let failed = false;
  for (const c of CASES) {
    const nodes = Array.from({ length: 2 * JOBS_PER_MODE }, (_, i) => ({
      certname: `bench-${i}.example.com`,
      runSeconds: c.seconds * spread(i % JOBS_PER_MODE),
    }));
    const emu = await startEmulator({
      quiet: true,
      timeScale: c.timeScale,
      world: {
        ...defaultWorld,
        environments: [{ name: "production" }],
        nodes,
        settings: { concurrency: 100 },
      },
    });
    const client = createOrchestratorClient({
      config: { serviceUrl: emu.url, token: emu.adminToken, cacert: emu.caFile },
      env: {},
    });
    const modes = await Promise.all(
      [undefined, c.seconds * 1000].map((expected, m) =>
        Promise.all(
          Array.from({ length: JOBS_PER_MODE }, async (_, i) => {
            // staggered starts: twenty TLS handshakes at once would skew the start times
            await new Promise((r) => setTimeout(r, (2 * i + m) * STAGGER_MS));
            return runJob(client, nodes[m * JOBS_PER_MODE + i].certname, c.timeScale, expected);
          }),
        ),
      ),
    );
    client.close();
    await emu.stop();
    modes.forEach((samples, m) => {
      const late = samples.map((s) => s.lateMs);
      const req = samples.map((s) => s.requests);
      const p50 = percentile(late, 50);
      const reqMax = Math.max(...req);
      const mode = m === 0 ? "unknown end " : "expected end";
      const lateOk = p50 < GOAL_LATE_P50_MS;
      const reqGoal =
        c.seconds === 60
          ? ` (goal <= ${GOAL_REQUESTS_60S}: ${reqMax <= GOAL_REQUESTS_60S ? "ok" : "MISSED"})`
          : "";
      if (m === 1 && (!lateOk || (c.seconds === 60 && reqMax > GOAL_REQUESTS_60S))) failed = true;
      console.log(
        `${String(c.seconds).padStart(4)} s job, ${mode} (timeScale ${c.timeScale}): ` +
          `requests p50 ${percentile(req, 50)} max ${reqMax}${reqGoal}; ` +
          `late p50 ${Math.round(p50)} ms (goal < ${GOAL_LATE_P50_MS} ms: ${lateOk ? "ok" : "MISSED"}), ` +
          `p95 ${Math.round(percentile(late, 95))} ms`,
      );
    });
  }
  console.log(
    failed
      ? "\nexpected-end goals MISSED"
      : "\nexpected-end goals met; with an unknown end the wait is bounded by the 5 s poll cap (see header)",
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
