import * as http from "node:http";
import * as https from "node:https";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON fields of replies
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** Raw request body text (for malformed JSON). */
  raw?: string;
  /** Token to send; null = none; default the admin token. */
  token?: string | null;
  agent?: http.Agent;
}

/** One HTTP(S) exchange against the emulator, trusting its CA. */
export function call(emu: Emulator, method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const url = new URL(
    /^\/(orchestrator|status|pdb|classifier-api|code-manager)\b/.test(path)
      ? path
      : `/orchestrator/v1${path}`,
    emu.url,
  );
  const token = opts.token === undefined ? emu.adminToken : opts.token;
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const headers: Record<string, string> = {};
  if (token !== null) headers["X-Authentication"] = token;
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      { method, headers, ca: emu.caPem || undefined, agent: opts.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Polls `get` until `done` holds (or throws after `ms`). */
export async function waitFor<T>(get: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > until)
      throw new Error(`waitFor timed out; last value: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const quietEmulator = (options: EmulatorOptions = {}) => startEmulator({ quiet: true, ...options });

/** Waits for a job to reach a terminal state and returns it. */
export const finishedJob = (emu: Emulator, name: string, token?: string) =>
  waitFor(
    () => call(emu, "GET", `/jobs/${name}`, { token }),
    (r) => ["finished", "failed", "stopped"].includes(r.body?.state),
  ).then((r) => r.body);

/** Waits for a plan job to reach success or failure and returns it. */
export const finishedPlanJob = (emu: Emulator, name: string) =>
  waitFor(
    () => call(emu, "GET", `/plan_jobs/${name}`),
    (r) => ["success", "failure"].includes(r.body?.state),
  ).then((r) => r.body);
