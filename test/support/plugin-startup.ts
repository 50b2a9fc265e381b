import { spawn } from "node:child_process";

export interface PluginStartup {
  /** Milliseconds from spawning the plugin to its first line on stdout (the gRPC port it listens on). */
  ms: number;
  /** The port it printed. */
  port: number;
}

/**
 * How long a provider plugin takes to start: it is spawned as the engine spawns it (with an engine address
 * argument; a dummy one, since nothing is asked of the engine before the first call), timed until it prints
 * its port, then killed. `launcher` is a `pulumi-resource-pe` (installed, or test/support/plugin.ts's).
 */
export function measurePluginStartup(
  launcher: string,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<PluginStartup> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(launcher, ["127.0.0.1:1"], {
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (error: Error | undefined, result?: PluginStartup) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      if (error) reject(error);
      else resolve(result as PluginStartup);
    };
    const timer = setTimeout(
      () => finish(new Error(`${launcher} printed no port in ${timeoutMs} ms\n${stdout}\n${stderr}`)),
      timeoutMs,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = stdout.slice(0, newline).trim();
      if (!/^\d+$/.test(line)) finish(new Error(`${launcher} printed ${JSON.stringify(line)}, not a port`));
      else finish(undefined, { ms: Math.round(ms), port: Number(line) });
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", (error) => finish(error));
    child.on("exit", (code, signal) => {
      if (!settled)
        finish(new Error(`${launcher} exited (${code ?? signal}) before printing a port\n${stderr}`));
    });
  });
}
