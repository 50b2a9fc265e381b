import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionInput } from "../pe";

let config: ConnectionInput = {};

/**
 * Reads the `pe:*` stack config the engine hands the provider process at run time (the dynamic provider's
 * `configure` hook), so no setting or token is ever captured into the serialized provider in state.
 */
export function configureFromStack(request: pulumi.dynamic.ConfigureRequest): void {
  const get = (key: string) => request.config.get(`pe:${key}`) || undefined;
  config = {
    serviceUrl: get("serviceUrl"),
    codeManagerUrl: get("codeManagerUrl"),
    token: get("token"),
    tokenFile: get("tokenFile"),
    cacert: get("cacert"),
    // Validated (and reported by name) where the settings are resolved.
    insecure: get("insecure") as ConnectionInput["insecure"],
    puppetdbUrl: get("puppetdbUrl"),
    classifierUrl: get("classifierUrl"),
  };
}

/** The stack's `pe:*` connection settings (level 2 of the resolution order). */
export function stackConnectionConfig(): ConnectionInput {
  return config;
}
