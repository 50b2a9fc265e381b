import {
  defaultWorld,
  type Emulator,
  type EmulatorOptions,
  startEmulator,
  type WorldInput,
} from "../../emulator";
import { type ClientOptions, type Logger, OrchestratorClient } from "../../provider/pe";
import type { Host } from "../../provider/resource/host";
import {
  type ConnectionInput,
  resolveConnectionSettings,
} from "../../provider/pe/settings/resolve-connection-settings";

/** The default world plus a superuser with two tokens (to swap one for the other mid-wait). */
export const testWorld: WorldInput = {
  ...defaultWorld,
  environments: (defaultWorld.environments ?? []).filter((e) => /^\w+$/.test(e.name)),
  users: [
    ...(defaultWorld.users ?? []),
    {
      login: "ops",
      tokens: [{ token: "ops-token-1" }, { token: "ops-token-2" }],
      permissions: { superuser: true },
    },
  ],
};

export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ quiet: true, world: testWorld, ...options });
}

/** A client that resolves its settings from `pe:` config only (no env, no home files). */
export function clientFor(
  emu: Emulator,
  config: ConnectionInput = {},
  options: ClientOptions = {},
): OrchestratorClient {
  const settings = resolveConnectionSettings({
    config: { serviceUrl: emu.url, token: emu.adminToken, cacert: emu.caFile, ...config },
    env: {},
    homeDir: "/nonexistent-home",
    systemConfigFile: "/nonexistent/orchestrator.conf",
  });
  return new OrchestratorClient(settings, {
    retry: { baseDelayMs: 20, maxDelayMs: 200, maxElapsedMs: 10_000 },
    ...options,
  });
}

export function recordingLogger(): Logger & { warnings: string[]; debugs: string[] } {
  const warnings: string[] = [];
  const debugs: string[] = [];
  return { warnings, debugs, warn: (m) => void warnings.push(m), debug: (m) => void debugs.push(m) };
}

/**
 * A provider process's host (what a face gives the operations) reaching the emulator, its PuppetDB and classifier
 * included: a new one is a new process, with its own clients and lookups. Messages go to `logs`.
 */
export function emulatorHost(emu: Emulator, logs: string[] = []): Host {
  return {
    providerConfig: () => ({
      serviceUrl: emu.url,
      cacert: emu.caFile,
      token: emu.adminToken,
      puppetdbUrl: emu.url,
      classifierUrl: emu.url,
    }),
    log: async (message) => void logs.push(message),
    signal: () => new AbortController().signal,
  };
}
