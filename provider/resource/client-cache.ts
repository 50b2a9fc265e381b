import {
  CodeManagerClient,
  type ConnectionInput,
  type ConnectionSettings,
  OrchestratorClient,
  type ResolveConnectionOptions,
  ScheduledJobsClient,
  resolveCodeManagerSettings,
  resolveConnectionSettings,
} from "../pe";
import { canonicalJson } from "./canonical-json";
import type { Host, Props } from "./host";

/** The clients and settings of a host's resources, by each resource's `connection` input. */
export interface Connections {
  /** Resource `connection` input first, then the provider's settings, then the environment and PE's client tools. */
  options(props: Props): ResolveConnectionOptions;
  settings(props: Props): ConnectionSettings;
  codeManagerSettings(props: Props): ConnectionSettings;
  orchestrator(props: Props): OrchestratorClient;
  codeManager(props: Props): CodeManagerClient;
  /** Scheduled jobs, over the orchestrator client's transport. */
  scheduledJobs(props: Props): ScheduledJobsClient;
}

const byHost = new WeakMap<Host, Connections>();

/**
 * One client per distinct connection, for the life of the provider process: its keep-alive connections serve
 * every check, create and read of the run instead of a TLS handshake each. (The engine ends the process.)
 */
export function connections(host: Host): Connections {
  let found = byHost.get(host);
  if (found) return found;
  // Warnings of a client (e.g. TLS verification off) go to the engine's diagnostics.
  const logger = { warn: (message: string) => void host.log(message, { severity: "warning" }) };
  const options = (props: Props): ResolveConnectionOptions => ({
    connection: props.connection as ConnectionInput | undefined,
    config: host.providerConfig(),
    env: process.env,
  });
  const cache = <C>(make: (props: Props) => C) => {
    const clients = new Map<string, C>();
    return (props: Props): C => {
      const key = canonicalJson([props.connection, host.providerConfig()]);
      let client = clients.get(key);
      if (!client) {
        client = make(props);
        clients.set(key, client);
      }
      return client;
    };
  };
  // resolved once per connection too (it reads the CA file): a failure is not kept, so each check reports it
  const settings = cache((props) => resolveConnectionSettings(options(props)));
  const codeManagerSettings = cache((props) => resolveCodeManagerSettings(options(props)));
  const orchestrator = cache((props) => new OrchestratorClient(settings(props), { logger }));
  const scheduled = new WeakMap<OrchestratorClient, ScheduledJobsClient>();
  found = {
    options,
    settings,
    codeManagerSettings,
    orchestrator,
    codeManager: cache((props) => new CodeManagerClient(codeManagerSettings(props), { logger })),
    scheduledJobs(props) {
      const client = orchestrator(props);
      let found = scheduled.get(client);
      if (!found) scheduled.set(client, (found = new ScheduledJobsClient(client)));
      return found;
    },
  };
  byHost.set(host, found);
  return found;
}
