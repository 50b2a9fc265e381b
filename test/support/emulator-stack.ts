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

export type EmulatorStackOptions = TestStackOptions & {
  emulator?: EmulatorOptions;
  /** Also reach PuppetDB and the classifier on the emulator (preview's and converge's lookups). */
  lookups?: boolean;
};

/** An emulator (HTTPS, its own CA, time-scaled) and a stack configured to reach it through `pe:*` config. */
export async function emulatorStack(
  options: EmulatorStackOptions,
): Promise<{ emu: Emulator; stack: TestStack }> {
  const emu = await startEmulator({ quiet: true, timeScale: 100, ...options.emulator });
  const stack = await TestStack.create(options);
  // the emulator serves PuppetDB and the classifier on its own port
  const lookups = options.lookups
    ? [
        { key: "pe:puppetdbUrl", value: emu.url },
        { key: "pe:classifierUrl", value: emu.url },
      ]
    : [];
  await stack.setConfigs([
    { key: "pe:serviceUrl", value: emu.url },
    { key: "pe:cacert", value: emu.caFile },
    { key: "pe:token", value: emu.adminToken, secret: true },
    ...lookups,
  ]);
  return { emu, stack };
}

/**
 * The suite's emulator and stack: made before its tests, removed after them. The fields are set once the suite's
 * `before` has run.
 */
export function suiteEmulatorStack(options: EmulatorStackOptions): { emu: Emulator; stack: TestStack } {
  const suite = {} as { emu: Emulator; stack: TestStack };
  before(async () => Object.assign(suite, await emulatorStack(options)));
  after(async () => {
    await suite.stack?.remove();
    await suite.emu?.stop();
  });
  return suite;
}
