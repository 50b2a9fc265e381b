// zod schemas of the Code Manager API (`/code-manager/v1`, PE's "Code Manager API" page): requests strict,
// responses loose, requiring only what the client reads.
import { z } from "zod";
import { errorBodySchema } from "./schemas";

/** `POST /deploys`: exactly one of `environments` / `deploy-all: true`. */
export const codeDeployRequestSchema = z
  .strictObject({
    environments: z.array(z.string().min(1)).min(1).optional(),
    "deploy-all": z.literal(true).optional(),
    wait: z.boolean().optional(),
    "dry-run": z.boolean().optional(),
  })
  .refine((b) => (b.environments === undefined) !== (b["deploy-all"] === undefined), {
    message: "exactly one of environments and deploy-all",
    path: ["environments"],
  });
export type CodeDeployRequest = z.input<typeof codeDeployRequestSchema>;

/** One environment in the answer of `POST /deploys`: queued, or (with `wait`) its outcome. */
export const codeDeployResultSchema = z.looseObject({
  environment: z.string(),
  id: z.number().nullish(),
  status: z.string(),
  "deploy-signature": z.string().nullish(),
  "file-sync": z.looseObject({ "environment-commit": z.string(), "code-commit": z.string() }).nullish(),
  error: errorBodySchema.nullish(),
});
export type CodeDeployResult = z.infer<typeof codeDeployResultSchema>;
export const codeDeploysResponseSchema = z.array(codeDeployResultSchema);

const queuedEntry = z.looseObject({
  environment: z.string(),
  "queued-at": z.string().nullish(),
  error: errorBodySchema.nullish(),
});
export type QueuedCodeDeploy = z.infer<typeof queuedEntry>;
const deployedEntry = z.looseObject({
  environment: z.string(),
  date: z.string().nullish(),
  "deploy-signature": z.string().nullish(),
});
export type DeployedEnvironment = z.infer<typeof deployedEntry>;
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

/** `GET /deploys/status`: deploys in flight and failed, and what file sync holds per environment. */
export const deploysStatusSchema = z.looseObject({
  "deploys-status": z
    .looseObject({
      new: list(queuedEntry),
      queued: list(queuedEntry),
      deploying: list(queuedEntry),
      failed: list(queuedEntry),
    })
    .nullish()
    .transform((v) => v ?? { new: [], queued: [], deploying: [], failed: [] }),
  "file-sync-storage-status": z
    .looseObject({ deployed: list(deployedEntry) })
    .nullish()
    .transform((v) => v ?? { deployed: [] }),
});
export type DeploysStatus = z.infer<typeof deploysStatusSchema>;
