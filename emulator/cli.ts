#!/usr/bin/env node
import { parseArgs } from "node:util";
import { MAX_TIME_SCALE, startEmulator } from "./index";

const usage = `usage: pe-orchestrator-emulator [--port 8143] [--host 127.0.0.1] [--state-dir DIR] [--world FILE]
                                [--http] [--time-scale N|max] [--quiet]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8143" },
      host: { type: "string", default: "127.0.0.1" },
      "state-dir": { type: "string" },
      world: { type: "string" },
      http: { type: "boolean", default: false },
      "time-scale": { type: "string", default: "1" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = Number(values.port);
  const timeScale = values["time-scale"] === "max" ? MAX_TIME_SCALE : Number(values["time-scale"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: not a port: ${values.port}`);
  const emulator = await startEmulator({
    port,
    host: values.host,
    stateDir: values["state-dir"],
    world: values.world,
    http: values.http,
    timeScale,
    quiet: values.quiet,
  });
  process.stdout.write(`pe-orchestrator-emulator ready at ${emulator.url} (state: ${emulator.stateDir})\n`);
  const shutdown = () => {
    emulator.stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`pe-orchestrator-emulator: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

main().catch((err: Error) => {
  process.stderr.write(`pe-orchestrator-emulator: ${err.message}\n${usage}\n`);
  process.exit(2);
});
