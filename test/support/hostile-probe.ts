// One request of the provider's client against a hostile server, in a process of its own so that its peak RSS is
// its own (bundled first, as the plugin is: test/pe/http/hostile-server.test.ts): `node probe.js '<json>'` prints one JSON line
// `{ error, name, ms, peakRssMb }`. The client is built as the provider builds it (default timeouts and retries).
import { OrchestratorClient, resolveConnectionSettings } from "../../provider/pe";

export interface ProbeRequest {
  serviceUrl: string;
  cacert: string;
  tokenFile: string;
  call: "getJob" | "listJobs" | "listPlans" | "listPlansTwice";
}

export interface ProbeResult {
  error?: string;
  name?: string;
  /** how long the call took to fail (or succeed) */
  ms: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as ProbeRequest;
  const settings = resolveConnectionSettings({
    config: { serviceUrl: request.serviceUrl, cacert: request.cacert, tokenFile: request.tokenFile },
    env: {},
    homeDir: "/nonexistent-home",
    systemConfigFile: "/nonexistent/orchestrator.conf",
  });
  const client = new OrchestratorClient(settings);
  const started = Date.now();
  const result: ProbeResult = { ms: 0, peakRssMb: 0 };
  try {
    if (request.call === "getJob") await client.getJob("1");
    else if (request.call === "listJobs") await client.listJobs({ limit: 50 });
    else {
      await client.listPlans("production", { lookup: true }).catch((error: unknown) => {
        if (request.call === "listPlans") throw error;
      });
      await client.listPlans("production", { lookup: true });
    }
  } catch (error) {
    result.error = (error as Error).message;
    result.name = (error as Error).name;
  }
  result.ms = Date.now() - started;
  result.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  client.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

void main();
