import type { PlanInputs } from "../kinds/kind-inputs";
import type { ScheduledPlanInputs } from "./schedule-inputs";
import { scheduledPlanInputsSchema } from "./schedule-inputs";
import type { PlanJobOutputs } from "../kinds/job-outputs";
import { planJob } from "../kinds/plan-job";
import { type ScheduledJobKind, wrapParams } from "./scheduled-job-kind";

/** A plan on a schedule: `input` is `{name, parameters}`, as PE documents it. */
export const scheduledPlan: ScheduledJobKind<ScheduledPlanInputs, PlanInputs, PlanJobOutputs> = {
  typeName: "ScheduledPlan",
  type: "plan",
  schema: scheduledPlanInputsSchema,
  job: planJob,
  runKeys: ["planName", "params", "environment"],
  request(inputs, sensitive) {
    return {
      input: { name: inputs.planName, parameters: wrapParams(inputs.params, sensitive) },
      environment: inputs.environment ?? "production",
    };
  },
  inputsOf(item) {
    const input = (item.input ?? {}) as Record<string, unknown>;
    return {
      planName: input.name,
      params: input.parameters ?? {},
      environment: item.environment ?? undefined,
    };
  },
};
