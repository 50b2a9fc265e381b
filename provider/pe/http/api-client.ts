import http from "node:http";
import https from "node:https";
import type { Response } from "got";
import type { z } from "zod";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./calculate-retry-delay";
import { type HintContext, hintFor, isTlsTrustError } from "./error-hints";
import {
  OrchestratorError,
  RequestValidationError,
  ResponseShapeError,
  ResponseTooLargeError,
} from "./errors";
import { formatIssues } from "./format-issues";
import { parseRetryAfter } from "./parse-retry-after";
import {
  type ConnectionSettings,
  DEFAULT_MAX_RESPONSE_MB,
  describeConnectionSettings,
} from "../settings/resolve-connection-settings";
import { retry } from "./retry";
import { errorBodySchema } from "../schemas";
import { cutText, scrubSecrets, scrubSecretsDeep } from "./untrusted-text";

export interface Logger {
  debug?(message: string): void;
  warn(message: string): void;
}

export interface ClientOptions {
  /** gets the one-line settings description (debug) and the insecure warning */
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
  /** per attempt, headers and body included (default 30 s) */
  requestTimeoutMs?: number;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** incremented on every HTTP attempt (retries included), for callers that report request counts */
  counter?: { requests: number };
  /** a lookup nothing waits on (what preview shows): one retry, a short budget */
  lookup?: boolean;
  /** `false`: one attempt, no retry (optional reads whose failure the caller survives, e.g. a wait's events) */
  retry?: false;
  /**
   * the request's whole time, its attempts and the delays between them (default the policy's 60 s): a wait's
   * polls take longer, to outlast a PE restart
   */
  budgetMs?: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec<S extends z.ZodType> {
  method: "GET" | "POST" | "PUT";
  /** path under the API URL (`/orchestrator/v1`, `/code-manager/v1`) or under `base`, without query */
  path: string;
  /** another PE service's base URL (PuppetDB, the classifier); default this client's API URL */
  base?: string;
  /** a lookup nothing waits on (what preview shows): one retry, a short budget */
  lookup?: boolean;
  query?: Query;
  body?: unknown;
  schema: S;
  /** safe to send twice: GETs and the stop commands */
  idempotent: boolean;
  subject?: HintContext["subject"];
  /** this request's own timeout (a Code Manager deploy with `wait` holds its request for minutes) */
  timeoutMs?: number;
}

/** How long a client remembers a PE that accepted a request and did not answer it in time. */
const STALL_MEMORY_MS = 60_000;
/** A page may be longer than its `limit` (old PE ignores it on some endpoints), but not longer than this a item. */
const PAGE_ITEM_BYTES = 64 * 1024;
/** ... and any page may take this much. */
const PAGE_FLOOR_BYTES = 8 * 1024 * 1024;

/** Failures that prove the request never reached the server: safe to retry even for commands. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);
/** got, loaded at the first request: a plugin start that only checks and diffs (a no-change preview) never needs it. */
let gotModule: typeof import("got") | undefined;
const loadGot = () => (gotModule ??= require("got") as typeof import("got")).default;

const warnedLoggers = new WeakSet<Logger>();
const warnedTokenFiles = new Set<string>();
const retryAfter = new WeakMap<Error, number>();
const retryableShape = new WeakSet<Error>();

/**
 * The transport both PE API clients share: keep-alive TLS with the configured CA, the RBAC token (re-read once
 * after a 401), retries only where safe, every response validated against its zod schema, and errors that are
 * OrchestratorError (never got's errors, which carry request headers).
 */
export class ApiClient {
  readonly apiUrl: string;
  /** HTTP attempts made by this client, retries included */
  requestCount = 0;
  private readonly policy: RetryPolicy;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly logger?: Logger;
  private readonly maxResponseBytes: number;
  /** when an attempt last got no answer in time: for a while, lookups are skipped and retries kept short */
  private stalledAt?: number;

  constructor(
    readonly settings: ConnectionSettings,
    options: ClientOptions = {},
  ) {
    this.apiUrl = settings.service.value.apiUrl;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? "pulumi-pe-orchestrator";
    this.logger = options.logger;
    this.maxResponseBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_MB * 1024 * 1024;
    // keep-alive: a wait polls the same host many times; skipping TLS handshakes keeps polls cheap
    this.agents = {
      http: new http.Agent({ keepAlive: true }),
      https: new https.Agent({
        keepAlive: true,
        ca: settings.cacert?.value,
        rejectUnauthorized: !settings.insecure,
      }),
    };
    options.logger?.debug?.(describeConnectionSettings(settings));
    if (settings.insecure && options.logger && !warnedLoggers.has(options.logger)) {
      warnedLoggers.add(options.logger);
      options.logger.warn(
        `TLS certificate verification is off for ${settings.service.value.baseUrl} (${settings.insecure.from} = true): ` +
          "anyone on the network path can read the PE token; set pe:cacert instead",
      );
    }
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  // ---------- transport ----------

  protected get<S extends z.ZodType>(
    path: string,
    schema: S,
    options: CallOptions | undefined,
    query?: Query,
    subject?: HintContext["subject"],
  ): Promise<z.output<S>> {
    return this.request({ method: "GET", path, query, schema, idempotent: true, subject }, options);
  }

  protected async request<S extends z.ZodType>(
    spec: RequestSpec<S>,
    options: CallOptions = {},
  ): Promise<z.output<S>> {
    const { signal } = options;
    const lookup = spec.lookup || options.lookup;
    const stalled = this.stalledAt !== undefined && Date.now() - this.stalledAt < STALL_MEMORY_MS;
    // a PE that just left a request unanswered: what preview merely shows is not worth another wait
    if (lookup && stalled) throw this.stalledError(spec);
    const perAttempt = spec.timeoutMs ?? (lookup ? Math.min(this.timeoutMs, 10_000) : this.timeoutMs);
    const policy: RetryPolicy = lookup
      ? { ...this.policy, maxAttempts: 2, maxElapsedMs: 10_000 }
      : options.budgetMs !== undefined
        ? { ...this.policy, maxAttempts: Number.MAX_SAFE_INTEGER, maxElapsedMs: options.budgetMs }
        : stalled
          ? // one attempt's time in all: a PE that stalls before a job exists fails `up` within a minute
            { ...this.policy, maxElapsedMs: Math.min(this.policy.maxElapsedMs, perAttempt) }
          : this.policy;
    // the budget counts the attempts themselves: each gets what is left of it (the first one at least its own)
    const deadline = Date.now() + Math.max(policy.maxElapsedMs, perAttempt);
    const timeoutOf = () => Math.max(1, Math.min(perAttempt, deadline - Date.now()));
    if (options.retry === false) return this.attempt(spec, 1, options, perAttempt);
    return retry((attempt) => this.attempt(spec, attempt, options, timeoutOf()), {
      policy,
      signal,
      shouldRetry: (error) => {
        if (!(error instanceof OrchestratorError)) return { retry: false };
        if (error instanceof ResponseTooLargeError) return { retry: false };
        if (error.code && NOT_SENT_CODES.has(error.code)) return { retry: true };
        if (!spec.idempotent) return { retry: false };
        if (error instanceof ResponseShapeError) return { retry: retryableShape.has(error) };
        if (error.status === 429 || (error.status !== undefined && error.status >= 500)) {
          return { retry: true, retryAfterMs: retryAfter.get(error) };
        }
        // network failures other than TLS trust problems are transient for a GET
        return {
          retry: error.status === undefined && !isTlsTrustError(error.code) && !isPermanentTls(error.code),
        };
      },
      onRetry: (error, delay, n) =>
        this.logger?.debug?.(
          `retrying ${spec.method} ${spec.path} in ${delay} ms (attempt ${n}): ${(error as Error).message}`,
        ),
    });
  }

  private stalledError(spec: RequestSpec<z.ZodType>): OrchestratorError {
    const seconds = Math.round((Date.now() - (this.stalledAt ?? Date.now())) / 1000);
    return new OrchestratorError({
      method: spec.method,
      path: spec.path,
      code: "ETIMEDOUT",
      msg: `not sent: ${this.settings.service.value.baseUrl} left a request unanswered ${seconds} s ago`,
    });
  }

  private async attempt<S extends z.ZodType>(
    spec: RequestSpec<S>,
    attempt: number,
    options: CallOptions,
    timeoutMs: number,
  ): Promise<z.output<S>> {
    const tokenSource = this.settings.token;
    let reloaded = false;
    for (;;) {
      const token = await tokenSource.get();
      this.warnAboutTokenFile();
      const response = await this.send(spec, token, attempt, options, timeoutMs);
      if (response.statusCode === 401 && !reloaded) {
        // tokens expire after an hour by default; puppet-access login may have written a new one
        reloaded = true;
        if (await tokenSource.reload().catch(() => false)) continue;
      }
      if (response.statusCode < 200 || response.statusCode > 299) {
        throw this.errorFromResponse(spec, response, attempt, token);
      }
      let json: unknown;
      try {
        json = JSON.parse(response.body);
      } catch {
        const error = new ResponseShapeError({
          ...this.where(spec, response, attempt),
          issues: ["the body is not valid JSON"],
          hint: spec.idempotent
            ? undefined
            : "the command may have been carried out; list recent jobs before retrying",
        });
        retryableShape.add(error);
        throw error;
      }
      const parsed = spec.schema.safeParse(json);
      if (!parsed.success) {
        throw new ResponseShapeError({
          ...this.where(spec, response, attempt),
          issues: formatIssues(parsed.error),
        });
      }
      return parsed.data;
    }
  }

  private async send(
    spec: RequestSpec<z.ZodType>,
    token: string,
    attempt: number,
    options: CallOptions,
    timeoutMs: number,
  ): Promise<Response<string>> {
    const url = new URL((spec.base ?? this.apiUrl) + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    this.requestCount++;
    if (options.counter) options.counter.requests++;
    const cap = this.capOf(spec);
    let tooLarge: number | undefined;
    try {
      const pending = loadGot()(url, {
        method: spec.method,
        headers: { "X-Authentication": token, "user-agent": this.userAgent, accept: "application/json" },
        ...(spec.body !== undefined ? { json: spec.body } : {}),
        agent: this.agents,
        https: {
          certificateAuthority: this.settings.cacert?.value,
          rejectUnauthorized: !this.settings.insecure,
        },
        // the whole attempt, headers and body: a server that drips a byte a second gets no longer
        timeout: { request: timeoutMs },
        retry: { limit: 0 }, // our own retry layer decides (commands must not be re-sent blindly)
        throwHttpErrors: false,
        followRedirect: false, // a redirect would carry the token to another host
        // no compressed answers: the cap counts the bytes that are held, and a small gzip can inflate to GBs
        decompress: false,
        responseType: "text",
        signal: options.signal,
      });
      // the cap is enforced while reading: an answer over it is dropped at once, not read whole first (the first
      // progress comes before the body, with the declared length as its total)
      pending.on("downloadProgress", (progress: { transferred: number; total?: number }) => {
        const size = Math.max(progress.transferred, progress.total ?? 0);
        if (size > cap && tooLarge === undefined) {
          tooLarge = size;
          pending.cancel();
        }
      });
      return await pending;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (tooLarge !== undefined) {
        const limit = cap < this.maxResponseBytes ? Number(spec.query?.limit) : undefined;
        throw new ResponseTooLargeError({
          method: spec.method,
          path: spec.path,
          attempts: attempt,
          cap,
          limit,
        });
      }
      const code = (error as { code?: string }).code;
      if (code === "ETIMEDOUT") this.stalledAt = Date.now();
      const message =
        code === "ETIMEDOUT"
          ? `no complete answer within ${Math.round(timeoutMs / 100) / 10} s`
          : scrubSecrets(cutText((error as Error).message ?? String(error), 500));
      // a fresh error: got's own carries request options and headers (the token)
      const init = {
        method: spec.method,
        path: spec.path,
        code,
        msg: message,
        attempts: attempt,
        hint: hintFor(this.hintContext(spec, { code })),
      };
      const maybeSent = !spec.idempotent && !(code && NOT_SENT_CODES.has(code));
      throw new OrchestratorError(init, OrchestratorError.format(init) + (maybeSent ? notResentNote : ""));
    }
  }

  /** The most bytes this request's answer may hold: the cap, and for a page less (see PAGE_ITEM_BYTES). */
  private capOf(spec: RequestSpec<z.ZodType>): number {
    const limit = Number(spec.query?.limit);
    if (!Number.isFinite(limit) || limit <= 0) return this.maxResponseBytes;
    return Math.min(this.maxResponseBytes, Math.max(PAGE_FLOOR_BYTES, limit * PAGE_ITEM_BYTES));
  }

  /** A token file others may read: said once per file and process (as the insecure warning). */
  private warnAboutTokenFile(): void {
    const warning = this.settings.token.warning?.();
    const file = this.settings.token.file;
    if (!warning || !file || warnedTokenFiles.has(file) || !this.logger) return;
    warnedTokenFiles.add(file);
    this.logger.warn(warning);
  }

  private errorFromResponse(
    spec: RequestSpec<z.ZodType>,
    response: Response<string>,
    attempt: number,
    token: string,
  ): OrchestratorError {
    // scrubbed before anything is cut: a cut through the token would leave part of it
    const snippet = () => cutText(scrubSecrets(scrub(response.body, token)), 200) || undefined;
    let body: { kind?: string; msg?: string; details?: Record<string, unknown> | null } = {};
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(response.body));
      body = parsed.success ? parsed.data : { msg: snippet() };
    } catch {
      body = { msg: snippet() };
    }
    const clean = (text: string | undefined) =>
      text === undefined ? undefined : cutText(scrubSecrets(scrub(text, token)), 2_000);
    const status = response.statusCode;
    const details = scrubSecretsDeep(body.details ?? undefined);
    const kind = clean(body.kind);
    const error = new OrchestratorError({
      method: spec.method,
      path: spec.path,
      status,
      kind,
      msg: clean(body.msg),
      details,
      attempts: attempt,
      hint: hintFor(this.hintContext(spec, { status, kind, details })),
    });
    const after = parseRetryAfter(response.headers["retry-after"], Date.now());
    if (after !== undefined) retryAfter.set(error, after);
    return error;
  }

  private where(spec: RequestSpec<z.ZodType>, response: Response<string>, attempt: number) {
    return { method: spec.method, path: spec.path, status: response.statusCode, attempts: attempt };
  }

  private hintContext(
    spec: RequestSpec<z.ZodType>,
    extra: Pick<HintContext, "status" | "kind" | "details" | "code">,
  ): HintContext {
    return {
      method: spec.method,
      path: spec.path,
      subject: spec.subject,
      tokenOrigin: this.settings.token.origin,
      cacertSetting: this.settings.cacertSettingNames,
      serviceUrl: this.settings.service.value.baseUrl,
      serviceUrlSetting: this.settings.service.from,
      ...extra,
    };
  }
}

const notResentNote =
  ". The command was not re-sent because it may have reached the server: list recent jobs before retrying";

function isPermanentTls(code: string | undefined): boolean {
  return (
    code === "ERR_TLS_CERT_ALTNAME_INVALID" ||
    code === "CERT_HAS_EXPIRED" ||
    code === "EPROTO" ||
    code === "ERR_SSL_WRONG_VERSION_NUMBER"
  );
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, endpoint: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RequestValidationError(endpoint, formatIssues(parsed.error));
  return parsed.data;
}

function scrub(text: string, token: string): string {
  return token ? text.split(token).join("[token]") : text;
}
