import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Emulator } from "../../emulator";
import { serverCredentials } from "../../emulator/http/certificates";

/**
 * A PE that nobody wrote to be friendly: an HTTPS server (certified by the emulator's CA, so the provider trusts
 * it) in front of the emulator, passing requests through except those an attack matches. What it can do is what
 * a compromised PE, a broken proxy or a node that names itself can: echo the token it was sent in every field,
 * put terminal escapes in any text, answer far too much, forever, a byte a second or never, and redirect.
 */
export type Attack =
  /** an error answer whose `kind`, `msg` and `details` hold the token the request carried, and escapes */
  | { kind: "echo-token"; status?: number }
  /** a non-JSON error body this long, the token at `at` (across the 200-character cut of old) */
  | { kind: "echo-token-text"; length: number; at: number; status?: number }
  /** the emulator's answer, every string in it (keys excepted) given `text` (escapes, the token: `$TOKEN`) */
  | { kind: "taint"; text: string }
  /** a 200 of this many bytes, declared (`content-length`) or chunked */
  | { kind: "huge"; bytes: number; declared: boolean }
  /** a chunked 200 that never ends */
  | { kind: "endless" }
  /** a 200 whose body comes one byte a second */
  | { kind: "trickle" }
  /** the request is accepted and never answered */
  | { kind: "silent" }
  /** a page of `items` copies of the emulator's first item (or a small job), whatever `limit` asked */
  | { kind: "oversized-page"; items: number }
  /** a redirect to another host */
  | { kind: "redirect"; to: string }
  /** these bytes as the answer, with this status */
  | { kind: "bytes"; status: number; body: Buffer };

export interface AttackRule {
  method?: string;
  /** a regular expression on the path (query excluded) */
  path: string;
  attack: Attack;
}

export interface HostileServer {
  /** the base URL to use as `serviceUrl` */
  url: string;
  rules: AttackRule[];
  /** requests that met an attack, by path */
  attacked: string[];
  close(): Promise<void>;
}

const ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\r\x00\x9b\u202e";

/** Text a hostile server puts in fields: terminal escapes and, with `$TOKEN`, the token it was sent. */
export const HOSTILE_TEXT = `${ESCAPES}$TOKEN${ESCAPES}`;

export async function startHostileServer(emu: Emulator, rules: AttackRule[] = []): Promise<HostileServer> {
  const creds = await serverCredentials(emu.stateDir, "127.0.0.1");
  const upstream = new URL(emu.url);
  const attacked: string[] = [];
  const server = https.createServer({ cert: creds.certPem, key: creds.keyPem }, (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const rule = rules.find((r) => (!r.method || r.method === req.method) && new RegExp(r.path).test(path));
    const token = String(req.headers["x-authentication"] ?? "");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (!rule) return forward(req, body, res, upstream, emu.caPem);
      attacked.push(path);
      act(rule.attack, { token, req, body, res, upstream, ca: emu.caPem });
    });
  });
  const sockets = new Set<import("node:stream").Duplex>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    rules,
    attacked,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Exchange {
  token: string;
  req: import("node:http").IncomingMessage;
  body: Buffer;
  res: import("node:http").ServerResponse;
  upstream: URL;
  ca: string;
}

function act(attack: Attack, x: Exchange): void {
  const { res, token } = x;
  const hostile = (text: string) => text.split("$TOKEN").join(token);
  switch (attack.kind) {
    case "echo-token": {
      const text = hostile(HOSTILE_TEXT);
      return json(res, attack.status ?? 400, {
        kind: `puppetlabs.orchestrator/${text}`,
        msg: `bad request from ${text}`,
        details: { token, echoed: text, nested: [{ again: text }] },
      });
    }
    case "echo-token-text": {
      const filler = "x".repeat(attack.length);
      const text = filler.slice(0, attack.at) + token + ESCAPES + filler.slice(attack.at);
      res.writeHead(attack.status ?? 502, { "content-type": "text/html" });
      return void res.end(text);
    }
    case "taint":
      return forward(x.req, x.body, res, x.upstream, x.ca, (answer) => taint(answer, hostile(attack.text)));
    case "huge": {
      res.writeHead(200, {
        "content-type": "application/json",
        ...(attack.declared ? { "content-length": String(attack.bytes) } : {}),
      });
      return pump(res, attack.bytes);
    }
    case "endless":
      res.writeHead(200, { "content-type": "application/json" });
      return pump(res, Number.POSITIVE_INFINITY);
    case "trickle": {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write("[")), 1_000);
      res.on("close", () => clearInterval(timer));
      return;
    }
    case "silent":
      return; // the socket stays open until the client gives up (or the server closes)
    case "oversized-page":
      return forward(x.req, x.body, res, x.upstream, x.ca, (answer) => {
        const page = answer as { items?: unknown[] };
        const item = page.items?.[0] ?? {
          id: "https://pe.example.com:8143/orchestrator/v1/jobs/1",
          name: "1",
          state: "finished",
          description: "a job like any other, listed many more times than the limit asked for",
        };
        return { ...page, items: Array.from({ length: attack.items }, () => item) };
      });
    case "redirect":
      res.writeHead(302, { location: attack.to });
      return void res.end();
    case "bytes":
      res.writeHead(attack.status, { "content-type": "application/json" });
      return void res.end(attack.body);
  }
}

/** Writes `bytes` of a JSON-looking body (or forever), as fast as the client reads. */
function pump(res: import("node:http").ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(64 * 1024, "[1,2,3,4,5,6,7,8],");
  let left = bytes;
  const write = () => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once("drain", write);
    }
    if (!res.destroyed) res.end();
  };
  res.on("error", () => undefined);
  write();
}

function json(res: import("node:http").ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

/** Every string value gets `text` appended (ids and states stay recognisable: only the tail is hostile). */
function taint(value: unknown, text: string, key = ""): unknown {
  if (typeof value === "string") {
    // what the provider must still parse as it is (ids, states, times, URLs) is left alone
    if (/^(id|name|state|type|timestamp|.*_at|.*_timestamp|start_time|environment|href|login)$/.test(key))
      return value;
    return value + text;
  }
  if (Array.isArray(value)) return value.map((v) => taint(v, text, key));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, taint(v, text, k)]));
  return value;
}

function forward(
  req: import("node:http").IncomingMessage,
  body: Buffer,
  res: import("node:http").ServerResponse,
  upstream: URL,
  ca: string,
  transform?: (answer: unknown) => unknown,
): void {
  const up = https.request(
    new URL(req.url ?? "/", upstream),
    { method: req.method, headers: { ...req.headers, host: upstream.host }, ca },
    (answer) => {
      const parts: Buffer[] = [];
      answer.on("data", (c: Buffer) => parts.push(c));
      answer.on("end", () => {
        let text = Buffer.concat(parts).toString("utf8");
        if (transform && (answer.statusCode ?? 500) < 300) {
          try {
            text = JSON.stringify(transform(JSON.parse(text)));
          } catch {
            // not JSON: passed on as it is
          }
        }
        res.writeHead(answer.statusCode ?? 502, { "content-type": "application/json" });
        res.end(text);
      });
    },
  );
  up.on("error", () => res.destroy());
  up.end(body);
}
