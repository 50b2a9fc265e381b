import type { ConnectionInput } from "../pe";
import { revealProps } from "./secrets";

/**
 * The one place the plugin reaches past the SDK's provider server (`@pulumi/pulumi` 3.248), for two gaps:
 *
 * - Provider configuration: the server answers the engine's `Configure` itself and drops the request (its
 *   `Provider` interface has no `configure`), so neither the stack's `pe:*` config (the default provider) nor an
 *   explicit `pulumi:providers:pe` resource's settings would reach us.
 * - `pulumi import`: the engine's `Read` of a resource to adopt carries no properties, and the server reads them
 *   unconditionally (`getProperties().toJavaScript()`), so every import failed with a TypeError.
 *
 * `main()` hands grpc-js the server's implementation object; we wrap grpc-js's `Server.addService` (the copy the
 * SDK loads) for that one call, and put our `configure` (reads the request, then answers as the SDK does) and
 * `read` (an empty property bag where there is none) in front of the SDK's. test/plugin/sdk-server-hooks.test.ts
 * fails when the SDK closes either gap itself, so that its part here can go.
 */
interface ConfigureCall {
  request: {
    getVariablesMap(): { forEach(fn: (value: string, key: string) => void): void };
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
  };
}
interface ReadCall {
  request: { getProperties(): unknown; setProperties(value: unknown): void };
}
type Handler<C> = (call: C, callback: unknown) => void;
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

/**
 * Calls `onConfigure` with the settings of every Configure the engine sends this plugin, and lets a Read with no
 * properties (an import) through.
 */
export function hookSdkServer(pkg: string, onConfigure: (settings: ConnectionInput) => void): void {
  if (installed) throw new Error("hookSdkServer: installed twice");
  installed = true;
  // the SDK's own copies: the lock file has no nested @grpc/grpc-js or google-protobuf under @pulumi/pulumi (a
  // test checks), so these plain requires load the modules its server uses, bundled or not
  const prototype = (require("@grpc/grpc-js") as { Server: GrpcServer }).Server.prototype;
  const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as { Struct: new () => unknown };
  const addService = prototype.addService;
  prototype.addService = function (service, implementation) {
    const sdkConfigure = implementation.configure as Handler<ConfigureCall> | undefined;
    if (typeof sdkConfigure === "function") {
      implementation.configure = (call: ConfigureCall, callback: unknown) => {
        onConfigure(settingsOfConfigure(call, pkg));
        sdkConfigure.call(implementation, call, callback);
      };
    }
    const sdkRead = implementation.read as Handler<ReadCall> | undefined;
    if (typeof sdkRead === "function") {
      implementation.read = (call: ReadCall, callback: unknown) => {
        if (!call.request.getProperties()) call.request.setProperties(new Struct());
        return sdkRead.call(implementation, call, callback);
      };
    }
    prototype.addService = addService; // one service, once
    addService.call(this, service, implementation);
  };
}
