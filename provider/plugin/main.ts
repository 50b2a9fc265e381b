#!/usr/bin/env node
// pulumi-resource-pe: the resources as a Pulumi provider plugin, for every Pulumi language. The engine starts it
// (`pulumi-resource-pe [flags] <engine address>`) and talks to it over gRPC; started by hand it says so and exits.
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "@pulumi/pulumi/provider";
import { useEngineAddress } from "../engine/engine-log";
import { interceptConfigure } from "./configure-hook";
import { PACKAGE } from "./package";
import { PluginHost } from "./plugin-host";
import { pluginProvider } from "./plugin-provider";

const USAGE = `pulumi-resource-${PACKAGE}: the Pulumi provider plugin for Puppet Enterprise (resources pe:index:CodeDeploy,
EnvironmentDeploy, TaskRun, PlanRun). The Pulumi engine starts it during pulumi preview/up; it is not run by hand.
Install it with: pulumi plugin install resource ${PACKAGE} <version> --file pulumi-resource-${PACKAGE}-v<version>-linux-amd64.tar.gz
`;

/** The engine's address among the arguments: the last one that is not a flag (the SDK's own parsing). */
function engineAddress(args: string[]): string | undefined {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--tracing") i++;
    else if (!args[i].startsWith("-")) positional.push(args[i]);
  }
  return positional[0];
}

function packageVersion(): string {
  for (const dir of [path.join(__dirname, "..", ".."), path.join(__dirname, "..", "..", "..")]) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file))
      return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  }
  return "0.0.0";
}

async function run(): Promise<void> {
  const args = process.argv.slice(2);
  const address = engineAddress(args);
  if (!address || args.includes("--help") || args.includes("-h")) {
    process.stderr.write(USAGE);
    process.exit(address ? 0 : 2);
  }
  useEngineAddress(address);
  const host = new PluginHost(address);
  interceptConfigure(PACKAGE, (settings) => host.configure(settings));
  const schema = fs.readFileSync(path.join(__dirname, "schema.json"), "utf8");
  const version = packageVersion();
  await main(pluginProvider(host, version, schema), args);
}

void run();
