import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ConnectionSettingsError } from "./errors";
import { formatIssues } from "./format-issues";
import { isLoopbackHost, normalizeServiceUrl, type ServiceUrl } from "./normalize-service-url";
import { fileTokenSource, staticTokenSource, type TokenSource } from "./token-source";

/** The settings a resource's `connection` input and the `pe:` stack config namespace may hold. */
export const connectionInputSchema = z.strictObject({
  serviceUrl: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  tokenFile: z.string().min(1).optional(),
  cacert: z.string().min(1).optional(),
  // stack config values arrive as strings
  insecure: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).optional(),
  /** PuppetDB, for what preview resolves (query scopes, node groups); default the orchestrator's host:8081. */
  puppetdbUrl: z.string().min(1).optional(),
  /** The node classifier, for node group scopes in preview; default the orchestrator's host:4433. */
  classifierUrl: z.string().min(1).optional(),
});
export type ConnectionInput = z.input<typeof connectionInputSchema>;

export interface ResolveConnectionOptions {
  /** the resource's `connection` input (level 1) */
  connection?: ConnectionInput;
  /** stack config namespace `pe` as a plain object (level 2) */
  config?: ConnectionInput;
  /** defaults to process.env (level 3) */
  env?: Record<string, string | undefined>;
  /** defaults to os.homedir(): `~/.puppetlabs/...` (level 4) */
  homeDir?: string;
  /** defaults to /etc/puppetlabs/client-tools/orchestrator.conf */
  systemConfigFile?: string;
  /** defaults to /etc/puppetlabs/client-tools/puppetdb.conf */
  systemPuppetdbConfigFile?: string;
}

export interface ResolvedSetting<T> {
  value: T;
  /** the setting to fix, e.g. `pe:cacert`, `PE_CACERT`, `cacert in /etc/.../orchestrator.conf` */
  from: string;
}

export interface ConnectionSettings {
  service: ResolvedSetting<ServiceUrl>;
  token: TokenSource;
  /** PEM text; absent: Node's default CAs */
  cacert?: ResolvedSetting<string> & { file?: string };
  insecure?: ResolvedSetting<true>;
  /** the places a cacert could have been set, for hints */
  cacertSettingNames: string;
  /** PuppetDB's base URL (`https://host:8081`, no path) */
  puppetdb: ResolvedSetting<string>;
  /** the node classifier's base URL (`https://host:4433`, no path) */
  classifier: ResolvedSetting<string>;
}

const ENV = {
  serviceUrl: "PE_ORCHESTRATOR_URL",
  token: "PE_TOKEN",
  tokenFile: "PE_TOKEN_FILE",
  cacert: "PE_CACERT",
  puppetdbUrl: "PE_PUPPETDB_URL",
  classifierUrl: "PE_CLASSIFIER_URL",
};
const CONF_KEYS = { serviceUrl: "service-url", cacert: "cacert", tokenFile: "token-file" } as const;

interface Candidate {
  values: () => ConnectionInput;
  /** the settings this source can hold (default: all) */
  holds?: ReadonlySet<string>;
  name: (key: keyof ConnectionInput) => string;
}

/**
 * Resolves each setting on its own, first hit wins: the resource's `connection`, stack config `pe:*`,
 * environment variables, then the PE client tools' orchestrator.conf (user, then system) and the token
 * file `puppet-access login` writes. `token` and `tokenFile` count as one setting, so a token file
 * given on the resource beats a token in stack config.
 */
export function resolveConnectionSettings(options: ResolveConnectionOptions = {}): ConnectionSettings {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? homedir();
  const userConf = join(home, ".puppetlabs", "client-tools", "orchestrator.conf");
  const systemConf = options.systemConfigFile ?? "/etc/puppetlabs/client-tools/orchestrator.conf";

  const levels: Candidate[] = [
    { values: constant(parseInput(options.connection, "connection")), name: (k) => `connection.${k}` },
    { values: constant(parseInput(options.config, "stack config pe")), name: (k) => `pe:${k}` },
    {
      values: constant({
        serviceUrl: env[ENV.serviceUrl] || undefined,
        token: env[ENV.token] || undefined,
        tokenFile: env[ENV.tokenFile] || undefined,
        cacert: env[ENV.cacert] || undefined,
        puppetdbUrl: env[ENV.puppetdbUrl] || undefined,
        classifierUrl: env[ENV.classifierUrl] || undefined,
      }),
      name: (k) => ENV[k as keyof typeof ENV] ?? k,
    },
    // client-tools files are read only when a setting falls through to them
    lazyConf(userConf, home),
    lazyConf(systemConf, home),
    // PuppetDB's own client-tools file (`puppet query` reads it): only its server URL is used here
    puppetdbConf(join(home, ".puppetlabs", "client-tools", "puppetdb.conf")),
    puppetdbConf(options.systemPuppetdbConfigFile ?? "/etc/puppetlabs/client-tools/puppetdb.conf"),
  ];

  const first = <K extends keyof ConnectionInput>(key: K) => {
    for (const level of levels) {
      if (level.holds && !level.holds.has(key)) continue;
      const value = level.values()[key];
      if (value !== undefined)
        return { value: value as NonNullable<ConnectionInput[K]>, from: level.name(key) };
    }
    return undefined;
  };

  const url = first("serviceUrl");
  if (!url) {
    throw new ConnectionSettingsError(
      `no orchestrator URL: set pe:serviceUrl (or connection.serviceUrl, PE_ORCHESTRATOR_URL, or service-url in ${userConf})`,
      "pe:serviceUrl",
    );
  }
  let service: ServiceUrl;
  try {
    service = normalizeServiceUrl(String(url.value));
  } catch (error) {
    throw new ConnectionSettingsError(`${url.from}: ${(error as Error).message}`, url.from);
  }
  if (service.protocol === "http:" && !isLoopbackHost(service.hostname)) {
    throw new ConnectionSettingsError(
      `${url.from} uses plain http:// to ${service.hostname}: the token would travel unencrypted; ` +
        "use https:// (http:// is allowed only to 127.0.0.1, ::1 and localhost)",
      url.from,
    );
  }

  let token: TokenSource | undefined;
  for (const level of levels) {
    if (level.holds && !level.holds.has("token") && !level.holds.has("tokenFile")) continue;
    const { token: value, tokenFile } = level.values();
    if (value !== undefined) token = staticTokenSource(value, level.name("token"));
    else if (tokenFile !== undefined) {
      const file = expandHome(tokenFile, home);
      token = fileTokenSource(file, `${level.name("tokenFile")} (${file})`);
    }
    if (token) break;
  }
  token ??= fileTokenSource(
    join(home, ".puppetlabs", "token"),
    "the default token file of puppet-access login",
  );

  const insecureSetting = first("insecure");
  const insecure =
    insecureSetting?.value === true ? { value: true as const, from: insecureSetting.from } : undefined;

  const ca = first("cacert");
  let cacert: ConnectionSettings["cacert"];
  if (ca) {
    const text = String(ca.value);
    if (text.includes("-----BEGIN")) {
      if (!text.includes("-----BEGIN CERTIFICATE-----")) {
        throw new ConnectionSettingsError(`${ca.from} holds PEM text but no CERTIFICATE block`, ca.from);
      }
      cacert = { value: text, from: ca.from };
    } else {
      const file = expandHome(text, home);
      let pem: string;
      try {
        pem = readFileSync(file, "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ConnectionSettingsError(
          `CA file ${file} (from ${ca.from}) cannot be read (${code})`,
          ca.from,
        );
      }
      if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
        throw new ConnectionSettingsError(
          `CA file ${file} (from ${ca.from}) holds no PEM certificate`,
          ca.from,
        );
      }
      cacert = { value: pem, from: ca.from, file };
    }
  }

  const sideService = (key: "puppetdbUrl" | "classifierUrl", port: number, suffix: RegExp) => {
    const setting = first(key);
    if (!setting) {
      const base = `${service.protocol}//${service.hostname.includes(":") ? `[${service.hostname}]` : service.hostname}:${port}`;
      return { value: base, from: `default (the orchestrator's host, port ${port})` };
    }
    try {
      const { baseUrl, hostname, protocol } = normalizeServiceUrl(String(setting.value));
      if (protocol === "http:" && !isLoopbackHost(hostname))
        throw new Error("must use https:// (http:// is allowed only to loopback hosts)");
      return { value: baseUrl.replace(suffix, ""), from: setting.from };
    } catch (error) {
      throw new ConnectionSettingsError(`${setting.from}: ${(error as Error).message}`, setting.from);
    }
  };

  return {
    puppetdb: sideService("puppetdbUrl", 8081, /\/pdb(\/query(\/v4)?)?$/),
    classifier: sideService("classifierUrl", 4433, /\/classifier-api(\/v1)?$/),
    service: { value: service, from: url.from },
    token,
    cacert,
    insecure,
    cacertSettingNames: cacert ? cacert.from : `pe:cacert (or connection.cacert, PE_CACERT)`,
  };
}

/** One line for a debug log: where every setting came from. Never the token itself. */
export function describeConnectionSettings(settings: ConnectionSettings): string {
  const ca = settings.cacert
    ? `CA from ${settings.cacert.from}${settings.cacert.file ? ` (${settings.cacert.file})` : ""}`
    : "system CAs";
  const tls =
    settings.service.value.protocol === "http:"
      ? "plain http (loopback)"
      : settings.insecure
        ? `TLS NOT verified (${settings.insecure.from})`
        : ca;
  return `orchestrator ${settings.service.value.apiUrl} (from ${settings.service.from}), token from ${settings.token.origin}, ${tls}`;
}

function parseInput(input: ConnectionInput | undefined, what: string): ConnectionInput {
  if (input === undefined) return {};
  const parsed = connectionInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConnectionSettingsError(`invalid ${what} settings: ${formatIssues(parsed.error).join("; ")}`);
  }
  return parsed.data;
}

const confSchema = z.looseObject({
  options: z
    .looseObject({
      "service-url": z.string().optional(),
      cacert: z.string().optional(),
      "token-file": z.string().optional(),
    })
    .optional(),
});

function lazyConf(file: string, home: string): Candidate {
  let loaded: ConnectionInput | undefined;
  const load = (): ConnectionInput => {
    if (loaded) return loaded;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      loaded = {};
      return loaded;
    }
    let parsed: z.infer<typeof confSchema>;
    try {
      parsed = confSchema.parse(JSON.parse(text));
    } catch (error) {
      const why = error instanceof z.ZodError ? formatIssues(error).join("; ") : (error as Error).message;
      throw new ConnectionSettingsError(`client-tools config ${file} is not valid: ${why}`, file);
    }
    const o = parsed.options ?? {};
    loaded = {
      serviceUrl: o["service-url"],
      cacert: o.cacert === undefined ? undefined : expandHome(o.cacert, home),
      tokenFile: o["token-file"],
    };
    return loaded;
  };
  return {
    values: load,
    holds: new Set(Object.keys(CONF_KEYS)),
    name: (k) => `${CONF_KEYS[k as keyof typeof CONF_KEYS] ?? k} in ${file}`,
  };
}

function constant(values: ConnectionInput): () => ConnectionInput {
  return () => values;
}

function expandHome(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? join(home, path.slice(2)) : path;
}

const puppetdbConfSchema = z.looseObject({
  puppetdb: z.looseObject({ server_urls: z.union([z.string(), z.array(z.string())]).optional() }).optional(),
});

/** `puppetdb.conf` of PE's client tools: `{"puppetdb": {"server_urls": "https://host:8081,..."}}`, first URL. */
function puppetdbConf(file: string): Candidate {
  let loaded: ConnectionInput | undefined;
  return {
    values: () => {
      if (loaded) return loaded;
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        loaded = {};
        return loaded;
      }
      const parsed = (() => {
        try {
          return puppetdbConfSchema.safeParse(JSON.parse(text));
        } catch {
          return undefined;
        }
      })();
      // Another tool's file: one this provider cannot read is skipped (the default applies), never an error.
      const urls = parsed?.success ? parsed.data.puppetdb?.server_urls : undefined;
      const first = (Array.isArray(urls) ? urls : (urls ?? "").split(","))[0]?.trim();
      loaded = { puppetdbUrl: first || undefined };
      return loaded;
    },
    holds: new Set(["puppetdbUrl"]),
    name: () => `server_urls in ${file}`,
  };
}
