import { isIPv4 } from "node:net";

export interface ServiceUrl {
  /** `https://host:8143` (plus any proxy path prefix), no trailing slash */
  baseUrl: string;
  /** `baseUrl + "/orchestrator/v1"` (Code Manager: `baseUrl + "/code-manager/v1"`) */
  apiUrl: string;
  hostname: string;
  protocol: "http:" | "https:";
}

/**
 * Accepts `https://host:8143`, `https://host:8143/`, `https://host:8143/orchestrator/v1/` alike.
 * Throws a plain Error with the reason; the caller adds which setting it came from.
 */
export function normalizeServiceUrl(input: string): ServiceUrl {
  return normalizeApiUrl(input, "orchestrator", "8143");
}

/** Code Manager's URL: `https://host:8170`, `.../code-manager` (puppet-code.conf's form) or `.../code-manager/v1`. */
export function normalizeCodeManagerUrl(input: string): ServiceUrl {
  return normalizeApiUrl(input, "code-manager", "8170");
}

function normalizeApiUrl(input: string, api: string, port: string): ServiceUrl {
  const trimmed = input.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`"${trimmed}" is not a URL (expected e.g. https://pe.example.com:${port})`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`"${trimmed}" must use https:// (got ${url.protocol})`);
  }
  if (url.username || url.password) throw new Error("the service URL must not carry credentials");
  if (url.search || url.hash) throw new Error("the service URL must not have a query or fragment");
  const path = url.pathname.replace(/\/+$/, "").replace(new RegExp(`/${api}(/v1)?$`), "");
  const baseUrl = `${url.protocol}//${url.host}${path}`;
  return { baseUrl, apiUrl: `${baseUrl}/${api}/v1`, hostname: url.hostname, protocol: url.protocol };
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http:// is allowed to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  if (host.startsWith("::ffff:")) return isLoopbackHost(host.slice(7));
  return isIPv4(host) && host.startsWith("127.");
}
