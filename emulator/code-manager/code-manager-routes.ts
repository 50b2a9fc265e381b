// code-manager/: Code Manager, served beside the orchestrator. Its routes (this file), its deploys and their
// state file (code-deploy-store.ts), and the control repo's branches they deploy (control-repo.ts). Imports
// world/ and http/ only; jobs and plan jobs wait for its deploys through the state.

import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { ApiError } from "../http/api-error";
import { may } from "../http/auth";
import type { EmulatorState, Handled, RequestContext } from "../http/handler-types";
import { formatZodError } from "../world/format-zod-error";
import { type CodeDeployRecord, deployError, fileSyncOf, statusOf } from "./code-deploy-store";

/** The prefix Code Manager serves under (port 8170 on a real primary; the emulator's own port here). */
export const CODE_MANAGER_API = "/code-manager/v1";

const cm = (kind: string) => `puppetlabs.code-manager/${kind}`;

/** POST /deploys: exactly one of `environments` / `deploy-all`; the other documented keys are accepted. */
const DeploysBodySchema = z.strictObject({
  environments: z.array(z.string().min(1)).min(1).optional(),
  "deploy-all": z.boolean().optional(),
  wait: z.boolean().optional(),
  "dry-run": z.boolean().optional(),
  "deploy-modules": z.boolean().optional(),
  modules: z.string().optional(),
});

/** Code Manager timestamps carry milliseconds: two deploys in one second stay apart. */
const isoMs = (ms: number) => new Date(ms).toISOString();

function badRequest(msg: string): ApiError {
  return new ApiError(400, cm("schema-violation"), msg);
}

function parseDeploysBody(body: unknown) {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw badRequest("The request body must be a JSON object");
  const parsed = DeploysBodySchema.safeParse(body);
  if (!parsed.success) throw badRequest(`Invalid request body: ${formatZodError(parsed.error)}`);
  const value = parsed.data;
  const all = value["deploy-all"] === true;
  if (!value["dry-run"] && all === (value.environments !== undefined))
    throw badRequest("Exactly one of 'environments' or 'deploy-all': true must be given");
  return value;
}

/** What one deploy looks like in a POST answer: queued, or (with `wait`) its outcome. */
function deployView(deploy: CodeDeployRecord, now: number): Record<string, unknown> {
  const status = statusOf(deploy, now);
  if (status === "complete") {
    return {
      "deploy-signature": deploy.signature,
      "file-sync": fileSyncOf(deploy),
      environment: deploy.environment,
      id: deploy.id,
      status,
    };
  }
  if (status === "failed")
    return { environment: deploy.environment, id: deploy.id, status, error: deployError(deploy) };
  return { environment: deploy.environment, id: deploy.id, status: "queued" };
}

export async function postDeploys(state: EmulatorState, ctx: RequestContext): Promise<Handled> {
  const body = parseDeploysBody(ctx.body);
  const { repo, deploys } = state.codeManager;
  // dry-run: the control repo answers with its environments; nothing is queued.
  if (body["dry-run"]) return { status: 200, body: repo.names().map((environment) => ({ environment })) };
  const environments = body["deploy-all"] ? repo.names() : [...new Set(body.environments)];
  const user = ctx.caller.user;
  const denied = environments.filter((e) => !may(user, "codeDeploy", e));
  if (denied.length > 0)
    throw new ApiError(
      403,
      "puppetlabs.rbac/permission-denied",
      `User ${user.login} does not have permission to deploy code to environment(s) ${denied.join(", ")}`,
      { environments: denied },
    );
  const now = Date.now();
  const runMs = (state.world.settings.codeDeploySeconds * 1000) / state.timeScale;
  const queued = environments.map((e) => deploys.queue(e, repo.head(e) ?? null, now, runMs));
  if (body.wait) {
    const end = Math.max(...queued.map((d) => d.endAt));
    // A timer may fire a millisecond before Date.now() reaches its end: sleep until the deploys are over.
    while (end > Date.now()) await sleep(end - Date.now() + 1, undefined, { ref: false });
  }
  const at = Date.now();
  return { status: 200, body: queued.map((d) => deployView(d, at)) };
}

export function getDeploysStatus(state: EmulatorState): Handled {
  const now = Date.now();
  const all = state.codeManager.deploys.deploys;
  const pick = (status: string) =>
    all
      .filter((d) => statusOf(d, now) === status)
      .map((d) => ({
        environment: d.environment,
        "queued-at": isoMs(d.queuedAt),
        ...(status === "failed" ? { error: deployError(d) } : {}),
      }));
  // The newest completed deploy of each environment is what file sync holds.
  const latest = new Map<string, CodeDeployRecord>();
  for (const d of all) if (statusOf(d, now) === "complete") latest.set(d.environment, d);
  const deployed = [...latest.values()].map((d) => ({
    environment: d.environment,
    date: isoMs(d.endAt),
    "deploy-signature": d.signature,
  }));
  const hostname = state.world.settings.hostname ?? "localhost";
  return {
    status: 200,
    body: {
      "deploys-status": {
        new: [],
        queued: pick("queued"),
        deploying: pick("deploying"),
        failed: pick("failed"),
      },
      "file-sync-storage-status": { deployed },
      "file-sync-client-status": {
        "all-synced": true,
        "file-sync-clients": {
          [hostname]: { last_check_in_time: isoMs(now), "synced-with-file-sync-storage": true, deployed },
        },
      },
    },
  };
}

type AsyncHandler = (state: EmulatorState, ctx: RequestContext) => Handled | Promise<Handled>;

/** The API below /code-manager/v1. */
export const codeManagerRoutes: Array<[string, RegExp, AsyncHandler]> = [
  ["POST", /^\/deploys$/, postDeploys],
  ["GET", /^\/deploys\/status$/, getDeploysStatus],
];

export const codeManagerKind = cm;
