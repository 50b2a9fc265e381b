import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

/**
 * A plain-http proxy on 127.0.0.1 in front of the emulator, for faults the emulator has no knob for:
 * rewriting a response body (response-shape mismatches).
 */
export async function startFaultProxy(
  upstream: string,
  ca: string,
  transform: (path: string, body: string) => string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const up = https.request(
        `${upstream}${req.url}`,
        { method: req.method, headers: { ...req.headers, host: new URL(upstream).host }, ca },
        (upRes) => {
          const body: Buffer[] = [];
          upRes.on("data", (c: Buffer) => body.push(c));
          upRes.on("end", () => {
            const text = transform(req.url ?? "", Buffer.concat(body).toString("utf8"));
            res.writeHead(upRes.statusCode ?? 502, { "content-type": "application/json" });
            res.end(text);
          });
        },
      );
      up.on("error", () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
