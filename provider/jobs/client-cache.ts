import type { ConnectionInput, ResolveConnectionOptions } from "../pe";
import { canonicalJson } from "../jobs/canonical-json";
import { logToEngine } from "../engine/engine-log";
import { stackConnectionConfig } from "./stack-connection-config";

type Props = Record<string, unknown>;

/** Resource `connection` input first, then `pe:*` stack config, then the environment and PE's client tools. */
export function connectionOptions(props: Props): ResolveConnectionOptions {
  return {
    connection: props.connection as ConnectionInput | undefined,
    config: stackConnectionConfig(),
    env: process.env,
  };
}

/** Warnings of a client (e.g. TLS verification off) go to the engine's diagnostics. */
export const engineLogger = { warn: (message: string) => void logToEngine(message, { severity: "warning" }) };

/**
 * One client per distinct connection, for the life of the provider process: its keep-alive connections serve
 * every check, create and read of the run instead of a TLS handshake each. (The engine ends the process.)
 */
export function clientCache<C>(make: (props: Props) => C): (props: Props) => C {
  const clients = new Map<string, C>();
  return (props) => {
    const key = canonicalJson([props.connection, stackConnectionConfig()]);
    let client = clients.get(key);
    if (!client) {
      client = make(props);
      clients.set(key, client);
    }
    return client;
  };
}
