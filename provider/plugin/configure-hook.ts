import * as path from "node:path";
import type { ConnectionInput } from "../pe";
import { revealProps } from "./secrets";

/**
 * Provider configuration, the one place the plugin reaches past the SDK. `@pulumi/pulumi` 3.248's provider server
 * answers the engine's `Configure` itself and drops the request: its `Provider` interface has no `configure`, so
 * neither the stack's `pe:*` config (the default provider) nor an explicit `pulumi:providers:pe` resource's
 * settings would reach us. `main()` hands grpc-js the server's implementation object; we wrap grpc-js's
 * `Server.addService` (the copy the SDK loads) for that one call, and put a `configure` in front of the SDK's
 * that reads the request and then answers as the SDK does. test/plugin/configure-hook.test.ts fails when the SDK
 * starts passing Configure on itself, so this can go.
 */
interface ConfigureCall {
  request: {
    getVariablesMap(): { forEach(fn: (value: string, key: string) => void): void };
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
  };
}
type Handler = (call: ConfigureCall, callback: unknown) => void;
interface GrpcServer {
  prototype: { addService(service: unknown, implementation: Record<string, unknown>): void };
}

const SETTINGS = [
  "serviceUrl",
  "codeManagerUrl",
  "token",
  "tokenFile",
  "cacert",
  "insecure",
  "puppetdbUrl",
  "classifierUrl",
] as const;

/** The grpc-js module the SDK's provider server uses (its own dependency, not necessarily ours). */
function sdkGrpc(): { Server: GrpcServer } {
  const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return require(require.resolve("@grpc/grpc-js", { paths: [sdk] })) as { Server: GrpcServer };
}

/**
 * The connection settings of a Configure request: the provider's properties (`args`: an explicit provider's
 * inputs, or the default provider's stack config), else its `variables` (`pe:config:serviceUrl`).
 */
export function settingsOfConfigure(call: ConfigureCall, pkg: string): ConnectionInput {
  const args = revealProps(call.request.getArgs()?.toJavaScript() ?? {}).props;
  const variables = new Map<string, string>();
  call.request.getVariablesMap().forEach((value, key) => variables.set(key, value));
  const settings: Record<string, unknown> = {};
  for (const key of SETTINGS) {
    const value = args[key] ?? variables.get(`${pkg}:config:${key}`) ?? variables.get(`${pkg}:${key}`);
    // empty means unset, as `pulumi config set pe:token ""` does for the dynamic face
    if (value !== undefined && value !== null && value !== "") settings[key] = value;
  }
  return settings as ConnectionInput;
}

let installed = false;

/** Calls `onConfigure` with the settings of every Configure the engine sends this plugin. */
export function interceptConfigure(pkg: string, onConfigure: (settings: ConnectionInput) => void): void {
  if (installed) throw new Error("interceptConfigure: installed twice");
  installed = true;
  const prototype = sdkGrpc().Server.prototype;
  const addService = prototype.addService;
  prototype.addService = function (service, implementation) {
    const sdkConfigure = implementation.configure as Handler | undefined;
    if (typeof sdkConfigure === "function") {
      implementation.configure = (call: ConfigureCall, callback: unknown) => {
        onConfigure(settingsOfConfigure(call, pkg));
        sdkConfigure.call(implementation, call, callback);
      };
    }
    prototype.addService = addService; // one service, once
    addService.call(this, service, implementation);
  };
}
