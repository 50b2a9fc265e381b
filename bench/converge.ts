// EnvironmentDeploy `converge` at scale (issue 27): the requests each step makes for a 10,000-node node group,
// through the operations both faces serve (no engine: the engine adds no request of its own), against the emulator
// at its highest time scale, and the size of the state the resource records.
// Run (no build needed): npx ts-node --transpile-only bench/converge.ts      BENCH_CONVERGE_NODES=10000 (default)
//
// Steps: create (the first job on the whole group); a no-change preview's diff; one node joins the group, and a
// preview's diff, then the `up`'s diff and update that run Puppet on it; a no-change diff again.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, MAX_TIME_SCALE, startEmulator } from "../emulator";
import { environmentDeployOperations } from "../provider/jobs/environment-deploy-operations";
import type { Props } from "../provider/resource/host";
import { emulatorHost } from "../test/support/emulator";
import { kb, machine, ms, summary } from "./support/common";

const COUNT = Number(process.env.BENCH_CONVERGE_NODES ?? 10_000);
const GROUP = "11111111-1111-4111-8111-111111111111";
const URN = "urn:pulumi:bench::converge::pe:index:EnvironmentDeploy::web";
const web = (i: number) => ({ certname: `n${i}.example.com`, facts: { role: "web" } });

/** A new provider process (its own clients and lookups), as each `pulumi` command starts. */
const operations = (emu: Emulator) => environmentDeployOperations(emulatorHost(emu));

/** The requests `run` made, counted by kind, and how long it took. */
async function counted<T>(
  emu: Emulator,
  run: () => Promise<T>,
): Promise<{ value: T; line: string; total: number }> {
  const from = emu.requests.length;
  const started = performance.now();
  const value = await run();
  const elapsed = performance.now() - started;
  const made = emu.requests.slice(from).map((r) => `${r.method} ${r.path}`);
  const kinds = new Map<string, number>();
  for (const request of made) {
    const kind = request.replace(/\/jobs\/\d+/, "/jobs/:id").replace(/\/groups\/[\w-]+/, "/groups/:id");
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const list = [...kinds].map(([kind, n]) => `${n} × ${kind}`).join(", ");
  return { value, total: made.length, line: `${made.length} requests (${list || "none"}), ${ms(elapsed)}` };
}

async function main(): Promise<void> {
  console.log(`converge of a ${COUNT}-node node group — ${machine()}`);
  const journal = fs.mkdtempSync(path.join(os.tmpdir(), "pe-converge-bench-"));
  process.env.PE_ORCHESTRATOR_JOURNAL_DIR = journal;
  const emu = await startEmulator({
    quiet: true,
    timeScale: MAX_TIME_SCALE,
    world: {
      environments: [{ name: "production" }],
      nodes: Array.from({ length: COUNT }, (_, i) => web(i)),
      nodeGroups: [{ id: GROUP, name: "Web servers", rules: ["=", ["fact", "role"], "web"] }],
    },
  });
  const inputs = { environment: "production", nodeGroup: GROUP, converge: true, waitTimeoutSeconds: 3600 };
  try {
    const create = await counted(emu, () => operations(emu).create(URN, inputs));
    let state: Props = { ...inputs, ...create.value.outs };
    const id = create.value.id;
    console.log(`create (the first job, ${COUNT} nodes): ${create.line}`);
    const quiet = await counted(emu, () => operations(emu).diff(URN, id, state, inputs));
    console.log(`no-change preview (diff): ${quiet.line}; changes: ${quiet.value.changes}`);

    emu.setNode(web(COUNT));
    const preview = await counted(emu, () => operations(emu).diff(URN, id, state, inputs));
    console.log(`a node joined, preview (diff): ${preview.line}; changes: ${preview.value.changes}`);
    const ops = operations(emu);
    const up = await counted(emu, async () => {
      await ops.diff(URN, id, state, inputs);
      return ops.update(URN, id, state, inputs);
    });
    state = { ...inputs, ...up.value.outs };
    console.log(`a node joined, up (diff + update, one job on 1 node): ${up.line}`);
    const again = await counted(emu, () => operations(emu).diff(URN, id, state, inputs));
    console.log(`no-change preview after it (diff): ${again.line}; changes: ${again.value.changes}`);
    const bytes = Buffer.byteLength(JSON.stringify(state));
    console.log(
      `state of the resource: ${kb(bytes)} (nodeResults ${(state.nodeResults as unknown[]).length} listed of ` +
        `${state.nodeCount}, jobIds ${(state.jobIds as unknown[]).length}, nodesBehind ${(state.nodesBehind as unknown[]).length})`,
    );
    summary(
      "converge",
      `${COUNT + 1}-node group: no-change preview ${quiet.total} requests (goal ≤ 2: the scope's one lookup), ` +
        `a node joined: preview ${preview.total}, up ${up.total} requests; state ${kb(bytes)}`,
    );
  } finally {
    await emu.stop();
    fs.rmSync(journal, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
