import type { EmulatorState } from "../http/handler-types";
import type { PlannedRun } from "./job-record";

/** World seconds as real milliseconds at the emulator's time scale. */
export const msOf = (state: EmulatorState, worldSeconds: number) => (worldSeconds * 1000) / state.timeScale;

/** One node's run: unknown or disconnected nodes error like PE's "not connected to the PCP broker". */
export function plannedRun(
  state: EmulatorState,
  name: string,
  environment: string,
  taskSeconds?: number,
  what = "puppet",
): PlannedRun {
  const node = state.nodes.get(name);
  if (!node?.connected)
    return {
      name,
      runMs: 0,
      outcome: "errored",
      message: `Error running ${what} on ${name}: ${name} is not connected to the PCP broker`,
    };
  const run = node.runs[environment];
  const secs = taskSeconds ?? run?.seconds ?? node.runSeconds ?? state.world.settings.runSeconds;
  return { name, runMs: msOf(state, secs), outcome: run?.status ?? "unchanged", message: run?.message };
}
