// What the pipeline examples (examples/{yaml,python,go}-pipeline) are checked for, whatever their language: which
// jobs a run started, and the outputs every pipeline exports.
import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";

export const CODE_DEPLOY = "/code-manager/v1/deploys";
export const DEPLOY = "/orchestrator/v1/command/deploy";
export const TASK = "/orchestrator/v1/command/task";
export const PLAN_RUN = "/orchestrator/v1/command/plan_run";
const PRODUCTION = "482f8d3adc76b5197306c5d4c8aa32aa8315694b"; // the default world's production branch

/** What a program started: code deploys and orchestrator commands, in order. */
export function started(emu: Emulator): string[] {
  return emu.requests
    .filter((r) => r.method === "POST" && (r.path === CODE_DEPLOY || r.path.includes("/command/")))
    .map((r) => r.path);
}

/**
 * A command's stdout, once it is known to have succeeded (else its whole output is the failure's message) with no
 * warning that the plugin's version is not the one the program asked for (a plugin that reports 0.0.0 makes one).
 */
export function okOrShow(result: { code: number; stdout: string; stderr: string }): string {
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, /resource plugin pe is expected to have version/);
  return result.stdout;
}

/** The outputs of a pipeline's `up`: the deployed commit, the whole-environment deploy and the canary plan. */
export function assertPipelineOutputs(out: Record<string, unknown>): void {
  assert.equal(out.deployedCommit, PRODUCTION);
  assert.equal(out.codeDeployState, "complete");
  assert.match(String(out.deployJobId), /^\d+$/);
  assert.equal(out.deployState, "finished");
  // No scope: every node of production (the default world's offline node is in development).
  assert.deepEqual(out.deployNodeStates, { finished: 5 });
  assert.match(String(out.planJobId), /^\d+$/);
  assert.equal(out.planState, "success");
  const result = out.planResult as Array<Record<string, unknown>>;
  assert.deepEqual(
    result.map((r) => [r.target, r.object, r.status]),
    [
      ["node1.example.com", "whoami", "success"],
      ["node2.example.com", "whoami", "success"],
    ],
  );
}
