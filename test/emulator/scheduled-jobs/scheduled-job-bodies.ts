import type { Emulator } from "../../../emulator";
import { call, type Reply } from "../helpers";

export const SCHEDULED = "/scheduled_jobs/environment_jobs";
export const HOUR = 3_600_000;

/** An ISO-8601 time `ms` from now (whole seconds unless `exact`). */
export function fromNow(ms: number, exact = false): string {
  const t = Date.now() + ms;
  return new Date(exact ? t : Math.ceil(t / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

type Body = Record<string, unknown>;

/** A run-once deploy of node1 in an hour, with every key PE requires; `over` replaces top-level keys. */
export const deployBody = (over: Body = {}): Body => ({
  type: "deploy",
  input: { scope: { nodes: ["node1.example.com"] }, noop: true },
  environment: "production",
  schedule: { start_time: fromNow(HOUR), interval: null },
  description: "nightly noop run",
  userdata: { ticket: "CHG-1" },
  ...over,
});

/** The package task on node1, its `name` parameter sensitive. */
export const taskBody = (over: Body = {}): Body => ({
  type: "task",
  input: {
    name: "package",
    parameters: { action: { value: "status" }, name: { value: "secret-httpd", sensitive: true } },
    scope: { nodes: ["node1.example.com"] },
  },
  environment: "production",
  schedule: { start_time: fromNow(HOUR), interval: { units: "seconds", value: 86400 } },
  description: "",
  userdata: {},
  ...over,
});

/** facts::info on node1. */
export const planBody = (over: Body = {}): Body => ({
  type: "plan",
  input: { name: "facts::info", parameters: { targets: { value: "node1.example.com" } } },
  environment: "production",
  schedule: { start_time: fromNow(HOUR), interval: null },
  description: "facts",
  userdata: {},
  ...over,
});

export const schedule = (emu: Emulator, body: unknown, token?: string): Promise<Reply> =>
  call(emu, "POST", SCHEDULED, { body, token });

/** POSTs and returns the new scheduled job's name; fails unless 200. */
export async function scheduled(emu: Emulator, body: unknown, token?: string): Promise<string> {
  const r = await schedule(emu, body, token);
  if (r.status !== 200) throw new Error(`POST ${SCHEDULED}: ${r.status} ${r.text}`);
  return r.body.scheduled_job.name;
}

export const getScheduled = async (emu: Emulator, name: string) =>
  (await call(emu, "GET", `${SCHEDULED}/${name}`)).body;

export const edit = (emu: Emulator, name: string, body: unknown, token?: string): Promise<Reply> =>
  call(emu, "PUT", `${SCHEDULED}/${name}`, { body, token });
