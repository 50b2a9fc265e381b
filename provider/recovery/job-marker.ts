import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../resource/canonical-json";
import type { Json } from "../resource/common-inputs";

/** The userdata key under which the provider marks the jobs it starts (the user's own keys are kept). */
export const MARKER_KEY = "pulumi-pe-orchestrator";

const markerSchema = z.object({ urn: z.string(), inputsHash: z.string(), attempt: z.string() });
/** Which resource started a job, with which inputs, in which attempt: lets a later run find the job again. */
export type JobMarker = z.infer<typeof markerSchema>;

/** The marker a job's userdata holds, if the provider started it. */
export function markerOf(userdata: unknown): JobMarker | undefined {
  if (!userdata || typeof userdata !== "object") return undefined;
  const parsed = markerSchema.safeParse((userdata as Record<string, unknown>)[MARKER_KEY]);
  return parsed.success ? parsed.data : undefined;
}

export function withMarker(
  userdata: Record<string, Json> | undefined,
  marker: JobMarker,
): Record<string, Json> {
  return { ...userdata, [MARKER_KEY]: marker };
}

/** Userdata as the user declared it: the provider's marker taken out (a schedule's record carries it). */
export function withoutMarker(userdata: Record<string, unknown>): Record<string, unknown> {
  if (!(MARKER_KEY in userdata)) return userdata;
  const { [MARKER_KEY]: _marker, ...rest } = userdata;
  return rest;
}

/** A stable hash of the inputs that decide what a job does (key order does not matter). */
export function hashInputs(inputs: Record<string, unknown>, keys: readonly string[]): string {
  const picked = Object.fromEntries(keys.map((k) => [k, inputs[k]]));
  return createHash("sha256").update(canonicalJson(picked)).digest("hex").slice(0, 32);
}
