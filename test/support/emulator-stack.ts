import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator";
import { OrchestratorClient, resolveConnectionSettings } from "../../provider/pe";
import { TestStack, type TestStackOptions } from "./test-stack";

/** A client of the emulator as its admin, for tests to look at (or start) jobs behind Pulumi's back. */
export function adminClient(emu: Emulator): OrchestratorClient {
  return new OrchestratorClient(
    resolveConnectionSettings({
      config: { serviceUrl: emu.url, cacert: emu.caFile, token: emu.adminToken },
      env: {},
    }),
  );
}

/** Commands the emulator received (POSTs under /command/), to prove what did or did not start a job. */
export function commandRequests(emu: Emulator): string[] {
  return emu.requests.filter((r) => r.method === "POST" && r.path.includes("/command/")).map((r) => r.path);
}

/** An emulator (HTTPS, its own CA, time-scaled) and a stack configured to reach it through `pe:*` config. */
export async function emulatorStack(
  options: TestStackOptions & { emulator?: EmulatorOptions },
): Promise<{ emu: Emulator; stack: TestStack }> {
  const emu = await startEmulator({ quiet: true, timeScale: 100, ...options.emulator });
  const stack = await TestStack.create(options);
  await stack.setConfigs([
    { key: "pe:serviceUrl", value: emu.url },
    { key: "pe:cacert", value: emu.caFile },
    { key: "pe:token", value: emu.adminToken, secret: true },
  ]);
  return { emu, stack };
}
