// The programmatic entry (cli.ts, the tests and the benchmarks use it): startEmulator builds the state from
// world/, jobs/, plans/, scheduled-jobs/ and code-manager/ and serves it through http/. See README.md for the
// folders.

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { CodeDeployStore } from "./code-manager/code-deploy-store";
import { CODE_MANAGER_API } from "./code-manager/code-manager-routes";
import { ControlRepo } from "./code-manager/control-repo";
import { Auth } from "./http/auth";
import { serverCredentials } from "./http/certificates";
import { FaultInjector } from "./http/fault-injector";
import type { EmulatorState } from "./http/handler-types";
import { createRequestListener, type RequestLogEntry } from "./http/request-listener";
import { JobStore } from "./jobs/job-store";
import { planJobFactory } from "./plans/step-jobs";
import { ScheduleRunner } from "./scheduled-jobs/schedule-runner";
import { defaultWorld } from "./world/default-world";
import { loadWorld } from "./world/load-world";
import {
  type Faults,
  type FaultsInput,
  NodeSchema,
  type World,
  type WorldInput,
  type WorldNodeInput,
} from "./world/world-schema";

export { defaultWorld } from "./world/default-world";
export { loadWorld } from "./world/load-world";
export type { FaultRule, Faults, FaultsInput, World, WorldInput, WorldNodeInput } from "./world/world-schema";
export { EVENTS_MODES, FaultsSchema, WorldSchema } from "./world/world-schema";

/** The largest time scale: a 30 s Puppet run takes 30 µs. `--time-scale max` selects it. */
export const MAX_TIME_SCALE = 1_000_000;

export interface EmulatorOptions {
  /** A world object or the path of a YAML/JSON world file; default: the built-in world. */
  world?: World | WorldInput | string;
  /** World seconds per real second (1000 = jobs run 1000x faster); default 1, at most MAX_TIME_SCALE. */
  timeScale?: number;
  /** Plain HTTP instead of HTTPS. */
  http?: boolean;
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** Keeps ca.pem, token and job history; default: a new temporary directory. */
  stateDir?: string;
  /** No access log on stderr. */
  quiet?: boolean;
}

export interface Emulator {
  /** Base URL without path, e.g. "https://127.0.0.1:40123". */
  url: string;
  /** url + "/orchestrator/v1". */
  apiUrl: string;
  /** url + "/code-manager/v1": Code Manager on the same server (PE serves it on port 8170). */
  codeManagerUrl: string;
  /** PEM of the CA that signed the server certificate ("" with http). */
  caPem: string;
  /** Path of ca.pem ("" with http). */
  caFile: string;
  stateDir: string;
  /** Token of the `admin` user, who has every permission (also in stateDir/token). */
  adminToken: string;
  /** Every request seen (path without query). status 0 = connection dropped by a fault. */
  requests: RequestLogEntry[];
  /** Replaces the fault knobs (counts and the random sequence restart). */
  setFaults(faults: Faults | FaultsInput): void;
  /** Makes a token expired from now on. */
  expireToken(token: string): void;
  /** Moves a control-repo branch to a commit (a push): the next code deploy of that environment deploys it. */
  setBranch(branch: string, sha: string): void;
  /**
   * Adds a node to the world, or replaces the one of the same certname (its facts, so the node groups it is in;
   * its runs, so how its next Puppet run ends): a node joining a group, or fixed, between two runs.
   */
  setNode(node: WorldNodeInput): void;
  stop(): Promise<void>;
}

/**
 * A random token that never begins with `-` or `_` (base64url may): `pulumi config set --secret pe:token -x...`
 * would read it as a flag.
 */
export function newToken(): string {
  for (;;) {
    const token = crypto.randomBytes(24).toString("base64url");
    if (/^[A-Za-z0-9]/.test(token)) return token;
  }
}

function adminTokenIn(stateDir: string): string {
  const file = path.join(stateDir, "token");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const token = newToken();
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Starts the emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const world = loadWorld(options.world ?? defaultWorld);
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0 && timeScale <= MAX_TIME_SCALE))
    throw new Error(`timeScale must be in (0, ${MAX_TIME_SCALE}], got ${timeScale}`);
  const host = options.host ?? "127.0.0.1";
  const stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "pe-orchestrator-emulator-"));
  fs.mkdirSync(stateDir, { recursive: true });
  const adminToken = adminTokenIn(stateDir);
  const store = JobStore.load(stateDir, planJobFactory);
  const scheduler = new ScheduleRunner();
  const state: EmulatorState = {
    world,
    store,
    scheduler,
    auth: new Auth(world, adminToken),
    nodes: new Map(world.nodes.map((n) => [n.certname, n])),
    timeScale,
    codeManager: { repo: new ControlRepo(world), deploys: CodeDeployStore.load(stateDir) },
  };
  scheduler.start(state, Date.now());
  const faults = new FaultInjector(world.faults);
  const requests: RequestLogEntry[] = [];
  let url = "";
  const listener = createRequestListener({
    state,
    faults,
    baseUrl: () => url,
    onRequest: (entry, ms) => {
      requests.push(entry);
      if (!options.quiet)
        process.stderr.write(`${entry.method} ${entry.path} ${entry.status} ${ms.toFixed(1)}ms\n`);
    },
  });
  const creds = options.http ? undefined : await serverCredentials(stateDir, host);
  const server = creds
    ? https.createServer({ cert: creds.certPem, key: creds.keyPem }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `${creds ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    apiUrl: `${url}/orchestrator/v1`,
    codeManagerUrl: `${url}${CODE_MANAGER_API}`,
    caPem: creds?.caPem ?? "",
    caFile: creds?.caFile ?? "",
    stateDir,
    adminToken,
    requests,
    setFaults: (f) => faults.set(f),
    expireToken: (token) => state.auth.expireToken(token),
    setBranch: (branch, sha) => state.codeManager.repo.setBranch(branch, sha),
    setNode(input) {
      const node = NodeSchema.parse(input);
      const at = world.nodes.findIndex((n) => n.certname === node.certname);
      if (at >= 0) world.nodes[at] = node;
      else world.nodes.push(node);
      state.nodes.set(node.certname, node);
    },
    stop() {
      scheduler.close();
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => store.flush(true));
      return stopped;
    },
  };
}
