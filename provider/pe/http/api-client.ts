import http from "node:http";
import https from "node:https";
import type { Response } from "got";
import type { z } from "zod";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./calculate-retry-delay";
import { type HintContext, hintFor, isTlsTrustError } from "./error-hints";
import { OrchestratorError, RequestValidationError, ResponseShapeError } from "./errors";
import { formatIssues } from "./format-issues";
import { parseRetryAfter } from "./parse-retry-after";
import { type ConnectionSettings, describeConnectionSettings } from "../settings/resolve-connection-settings";
import { retry } from "./retry";
import { errorBodySchema } from "../schemas";

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

/** Failures that prove the request never reached the server: safe to retry even for commands. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);
/** got, loaded at the first request: a plugin start that only checks and diffs (a no-change preview) never needs it. */
let gotModule: typeof import("got") | undefined;
const loadGot = () => (gotModule ??= require("got") as typeof import("got")).default;

const warnedLoggers = new WeakSet<Logger>();
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

  constructor(
    readonly settings: ConnectionSettings,
    options: ClientOptions = {},
  ) {
    this.apiUrl = settings.service.value.apiUrl;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? "pulumi-pe-orchestrator";
    this.logger = options.logger;
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
    if (options.retry === false) return this.attempt(spec, 1, options);
    return retry((attempt) => this.attempt(spec, attempt, options), {
      policy:
        spec.lookup || options.lookup ? { ...this.policy, maxAttempts: 2, maxElapsedMs: 5_000 } : this.policy,
      signal,
      shouldRetry: (error) => {
        if (!(error instanceof OrchestratorError)) return { retry: false };
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

  private async attempt<S extends z.ZodType>(
    spec: RequestSpec<S>,
    attempt: number,
    options: CallOptions,
  ): Promise<z.output<S>> {
    const tokenSource = this.settings.token;
    let reloaded = false;
    for (;;) {
      const token = await tokenSource.get();
      const response = await this.send(spec, token, attempt, options);
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
  ): Promise<Response<string>> {
    const url = new URL((spec.base ?? this.apiUrl) + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    this.requestCount++;
    if (options.counter) options.counter.requests++;
    try {
      return await loadGot()(url, {
        method: spec.method,
        headers: { "X-Authentication": token, "user-agent": this.userAgent, accept: "application/json" },
        ...(spec.body !== undefined ? { json: spec.body } : {}),
        agent: this.agents,
        https: {
          certificateAuthority: this.settings.cacert?.value,
          rejectUnauthorized: !this.settings.insecure,
        },
        timeout: {
          request:
            spec.timeoutMs ??
            (spec.lookup || options.lookup ? Math.min(this.timeoutMs, 10_000) : this.timeoutMs),
        },
        retry: { limit: 0 }, // our own retry layer decides (commands must not be re-sent blindly)
        throwHttpErrors: false,
        followRedirect: false, // a redirect would carry the token to another host
        responseType: "text",
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const code = (error as { code?: string }).code;
      const message = scrub((error as Error).message ?? String(error), token);
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

  private errorFromResponse(
    spec: RequestSpec<z.ZodType>,
    response: Response<string>,
    attempt: number,
    token: string,
  ): OrchestratorError {
    let body: { kind?: string; msg?: string; details?: Record<string, unknown> | null } = {};
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(response.body));
      if (parsed.success) body = parsed.data;
      else body = { msg: scrub(response.body.slice(0, 200), token) };
    } catch {
      body = { msg: scrub(response.body.slice(0, 200), token) || undefined };
    }
    const status = response.statusCode;
    const details = body.details ?? undefined;
    const error = new OrchestratorError({
      method: spec.method,
      path: spec.path,
      status,
      kind: body.kind,
      msg: body.msg === undefined ? undefined : scrub(body.msg, token),
      details,
      attempts: attempt,
      hint: hintFor(this.hintContext(spec, { status, kind: body.kind, details })),
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
