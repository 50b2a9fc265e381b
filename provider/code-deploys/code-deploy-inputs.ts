// zod schema of CodeDeploy's inputs.
import { z } from "zod";
import { commonShape } from "../resource/common-inputs";

// A control-repo branch, which Code Manager deploys as the environment of the same name.
const branchName = z
  .string("must be an environment (control-repo branch) name")
  .regex(/^[\w-]+$/, "must be an environment (control-repo branch) name: letters, digits, _ and -");

export const codeDeployInputsSchema = z
  .strictObject({
    environments: z
      .array(branchName, "must be a list of environment names")
      .min(1, "must list at least one environment")
      .refine((list) => new Set(list).size === list.length, "lists an environment twice")
      .optional(),
    deployAll: z.boolean("must be true or false").optional(),
    expectedSignature: z
      .string("must be a commit SHA")
      .regex(/^[0-9a-f]{7,40}$/, "must be a commit SHA (7 to 40 lowercase hex digits)")
      .optional(),
    triggers: commonShape.triggers,
    waitTimeoutSeconds: commonShape.waitTimeoutSeconds,
    failOnJobFailure: commonShape.failOnJobFailure,
    connection: commonShape.connection,
  })
  .superRefine((inputs, ctx) => {
    const all = inputs.deployAll === true;
    if (all === (inputs.environments !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [all ? "deployAll" : "environments"],
        message: all
          ? "set either environments or deployAll: true, not both"
          : "set exactly one of environments (a list) or deployAll: true",
      });
    }
  });
export type CodeDeployInputs = z.infer<typeof codeDeployInputsSchema>;
