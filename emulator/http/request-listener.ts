// http/: how a request is served. On top: this listener (faults from fault-injector.ts, authentication, JSON
// bodies) and routes.ts, the table that imports every folder's handlers; index.ts adds certificates.ts.
// Beneath: what the handlers import (handler-types.ts: the shared state and the handler contract;
// api-error.ts, auth.ts, parse-body.ts, request-schemas.ts, paging.ts), which import only world/ and the
// types of what the state and a request carry.

import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { CODE_MANAGER_API, codeManagerKind, codeManagerRoutes } from "../code-manager/code-manager-routes";
import { ApiError, orchestratorKind, validationError } from "./api-error";
import type { FaultInjector, FaultPlan } from "./fault-injector";
import type { EmulatorState, Handled } from "./handler-types";
import { serviceRoutes } from "./routes";

const API = "/orchestrator/v1";
const MAX_BODY = 16 * 1024 * 1024;

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface ListenerOptions {
  state: EmulatorState;
  faults: FaultInjector;
  /** Base URL (scheme://host:port) for `id` URLs when the world sets no hostname and no Host header came. */
  baseUrl: () => string;
  /** Called once per request; the path never holds the query (so never a `?token=`). */
  onRequest: (entry: RequestLogEntry, ms: number) => void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(validationError("Request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** A POST's or PUT's JSON body (undefined when empty); malformed JSON is the API's 400 built by `malformed`. */
async function readJson(req: IncomingMessage, malformed: (msg: string) => ApiError): Promise<unknown> {
  const text = await readBody(req);
  if ((req.method !== "POST" && req.method !== "PUT") || text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw malformed(`Malformed JSON in request body: ${(err as Error).message}`);
  }
}

function faultError(rule: NonNullable<FaultPlan["error"]>): ApiError {
  const headers: Record<string, string> = {};
  if (rule.retryAfterSeconds !== undefined) headers["Retry-After"] = String(rule.retryAfterSeconds);
  const kinds: Record<number, string> = { 429: "too-many-requests", 503: "service-unavailable" };
  return new ApiError(
    rule.status,
    orchestratorKind(kinds[rule.status] ?? "unknown-error"),
    `Emulated fault: HTTP ${rule.status}`,
    undefined,
    headers,
  );
}

/** Authenticates, routes and answers one request; faults wrap the whole exchange. */
async function handle(opts: ListenerOptions, req: IncomingMessage, url: URL): Promise<Handled> {
  const path = url.pathname;
  if (req.method === "GET" && path === "/status/v1/simple/orchestrator-service")
    return { status: 200, body: "running" };
  if (path.startsWith(`${CODE_MANAGER_API}/`)) return handleCodeManager(opts, req, url);
  const service = serviceRoutes.find(({ prefix }) => path.startsWith(`${prefix}/`) || path === prefix);
  if (!service) throw new ApiError(404, orchestratorKind("not-found"), `No such resource: ${path}`);
  const { state } = opts;
  const caller = state.auth.authenticate(req, url.searchParams);
  const sub = path.slice(service.prefix.length);
  const matching = service.routes.filter(([, pattern]) => pattern.test(sub));
  const route = matching.find(([method]) => method === req.method);
  if (!route) {
    if (matching.length > 0)
      throw new ApiError(
        405,
        orchestratorKind("method-not-allowed"),
        `${req.method} is not allowed on ${path}`,
      );
    throw new ApiError(404, orchestratorKind("not-found"), `No such resource: ${path}`);
  }
  const body = await readJson(req, validationError);
  const params = (route[1].exec(sub) ?? []).slice(1);
  const base = new URL(opts.baseUrl());
  const hostname = state.world.settings.hostname;
  const origin = `${base.protocol}//${hostname ? `${hostname}:${base.port}` : (req.headers.host ?? base.host)}`;
  const view = { apiUrl: `${origin}${API}`, now: Date.now() };
  // Scheduled runs first: a plan job one starts may have steps to start too.
  state.scheduler.tick(view.now);
  state.store.advance(view.now);
  const events = opts.faults.events();
  return route[2](state, { caller, body, query: url.searchParams, params, view, events });
}

/** Code Manager (PE serves it on port 8170; here on the same server): same auth, body rules and faults. */
async function handleCodeManager(opts: ListenerOptions, req: IncomingMessage, url: URL): Promise<Handled> {
  const { state } = opts;
  const caller = state.auth.authenticate(req, url.searchParams);
  const sub = url.pathname.slice(CODE_MANAGER_API.length);
  const matching = codeManagerRoutes.filter(([, pattern]) => pattern.test(sub));
  const route = matching.find(([method]) => method === req.method);
  if (!route) {
    const status = matching.length > 0 ? 405 : 404;
    throw new ApiError(
      status,
      codeManagerKind(status === 405 ? "method-not-allowed" : "not-found"),
      `No route for ${req.method} ${url.pathname}`,
    );
  }
  const body = await readJson(req, (msg) => new ApiError(400, codeManagerKind("json-parse-error"), msg));
  const view = { apiUrl: `${opts.baseUrl()}${CODE_MANAGER_API}`, now: Date.now() };
  return route[2](state, { caller, body, query: url.searchParams, params: [], view });
}

async function send(res: ServerResponse, out: Handled, plan: FaultPlan) {
  let text = typeof out.body === "string" ? out.body : JSON.stringify(out.body);
  if (plan.malformed) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const type = typeof out.body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
  res.writeHead(out.status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(text),
    ...out.headers,
  });
  if (plan.slowMs === undefined) {
    res.end(text);
    return;
  }
  const buf = Buffer.from(text);
  const pieces = Math.min(10, buf.length);
  for (let i = 0; i < pieces; i++) {
    if (res.destroyed) return;
    res.write(
      buf.subarray(Math.floor((i * buf.length) / pieces), Math.floor(((i + 1) * buf.length) / pieces)),
    );
    await sleep(plan.slowMs / pieces);
  }
  res.end();
}

/** The node:http(s) request listener of the emulator. */
export function createRequestListener(opts: ListenerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const method = req.method ?? "GET";
    let status = 0;
    try {
      const plan = opts.faults.plan(method, url.pathname);
      if (plan.latencyMs > 0) await sleep(plan.latencyMs);
      if (plan.dropBefore) {
        req.socket.destroy();
        return;
      }
      let out: Handled;
      try {
        if (plan.error) throw faultError(plan.error);
        out = await handle(opts, req, url);
      } catch (err) {
        if (!(err instanceof ApiError)) console.error("pe-orchestrator-emulator: internal error:", err);
        const e =
          err instanceof ApiError
            ? err
            : new ApiError(
                500,
                orchestratorKind("unknown-error"),
                `Internal error: ${(err as Error).message}`,
              );
        out = { status: e.status, body: e.body(), headers: e.headers };
      }
      if (plan.dropAfter) {
        req.socket.destroy();
        return;
      }
      status = out.status;
      await send(res, out, plan);
    } finally {
      opts.onRequest({ method, path: url.pathname, status, at: Date.now() }, performance.now() - started);
    }
  };
}
