import { z } from "zod";
import {
  DeployInputSchema,
  PlanInputSchema,
  ScheduleSchema,
  TaskInputSchema,
} from "../http/scheduled-job-schemas";

/** How a node's run ends (before any stop): Puppet status, or errored / skipped. */
export const NodeOutcomeSchema = z.enum(["unchanged", "changed", "failed", "errored", "skipped"]);

/** One node of a job. `start`/`end` are real milliseconds after the job's creation; null = never ran. */
export const JobNodeSchema = z.object({
  name: z.string(),
  start: z.number().nullable(),
  end: z.number(),
  outcome: NodeOutcomeSchema,
  message: z.string().optional(),
  /** Set when a stop or restart changed this node's end (its end event comes after the stop). */
  cut: z.boolean().optional(),
});

/** A stop, a forced stop, or the interruption of a restart, at `at` ms after creation. */
export const InterruptSchema = z.object({
  at: z.number(),
  reason: z.enum(["stop", "restart"]),
  force: z.boolean(),
});

export const OwnerSchema = z.record(z.string(), z.unknown());

/** A deploy or task job as persisted: its whole schedule is fixed at creation, state is derived from time. */
export const JobRecordSchema = z.object({
  name: z.number().int(),
  type: z.enum(["deploy", "task"]),
  environment: z.string(),
  options: z.record(z.string(), z.unknown()),
  owner: OwnerSchema,
  userdata: z.record(z.string(), z.unknown()),
  description: z.string(),
  createdAt: z.number(),
  eventBase: z.number().int(),
  /** Node result of a successful task run. */
  taskResult: z.unknown().optional(),
  nodes: z.array(JobNodeSchema),
  interrupt: InterruptSchema.optional(),
});

/** One node's planned run in a plan step (before any stop): real ms, outcome, message. */
export const PlannedRunSchema = z.object({
  name: z.string(),
  runMs: z.number(),
  outcome: NodeOutcomeSchema,
  message: z.string().optional(),
});

/** A plan step as planned when the plan job was created: everything its task job needs. */
export const PlanStepRecordSchema = z.object({
  action: z.enum(["run_task", "run_command", "run_script"]),
  object: z.string(),
  /** The task the step's job runs (a command runs as bolt_shim::command, as in PE). */
  task: z.string(),
  params: z.record(z.string(), z.unknown()),
  runs: z.array(PlannedRunSchema),
  /** Value of a target that succeeded. */
  value: z.unknown(),
  message: z.string().optional(),
  catchErrors: z.boolean(),
  onlyIfOk: z.boolean(),
  skipKind: z.string(),
});

/** A plan job as persisted; times in real ms after creation. */
export const PlanJobRecordSchema = z.object({
  name: z.number().int(),
  planName: z.string(),
  environment: z.string(),
  options: z.record(z.string(), z.unknown()),
  owner: OwnerSchema,
  userdata: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  eventBase: z.number().int(),
  pendingMs: z.number(),
  runMs: z.number(),
  timeoutMs: z.number().nullable(),
  timeoutSeconds: z.number().nullable(),
  messages: z.array(z.string()),
  result: z.unknown(),
  error: z
    .object({ kind: z.string(), msg: z.string(), details: z.record(z.string(), z.unknown()) })
    .optional(),
  interrupt: InterruptSchema.extend({ by: z.string().optional() }).optional(),
  /** Steps run as task jobs (none: the plan just runs `runMs`). */
  steps: z.array(PlanStepRecordSchema).default([]),
  /** The plan declares no result: it returns its steps' ResultSet. */
  returnsResults: z.boolean().default(false),
  /** Job name of each step's task job once it started, by step index (null: not started). */
  stepJobs: z.array(z.number().int().nullable()).default([]),
});

/** A scheduled job's last run (real ms): the job it started, or why the start was refused. */
export const ScheduledRunSchema = z.object({
  time: z.number(),
  job: z.object({ kind: z.enum(["job", "plan_job"]), name: z.number().int() }).optional(),
  submissionError: z
    .object({ kind: z.string(), msg: z.string(), details: z.record(z.string(), z.unknown()) })
    .optional(),
});

const scheduledJobBase = {
  name: z.number().int(),
  environment: z.string(),
  schedule: ScheduleSchema,
  description: z.string(),
  userdata: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  /** Who saved it: its runs start as this user (`login`). */
  owner: OwnerSchema,
  createdAt: z.number(),
  /** Real ms of the next run; null: it will not run again (disabled, or a run-once that has run). */
  nextRun: z.number().nullable(),
  lastRun: ScheduledRunSchema.nullable(),
};

/** A scheduled job as persisted: its input as posted (sensitive values too: they are never shown). */
export const ScheduledJobRecordSchema = z.discriminatedUnion("type", [
  z.object({ ...scheduledJobBase, type: z.literal("deploy"), input: DeployInputSchema }),
  z.object({ ...scheduledJobBase, type: z.literal("task"), input: TaskInputSchema }),
  z.object({ ...scheduledJobBase, type: z.literal("plan"), input: PlanInputSchema }),
]);

export const StateFileSchema = z.object({
  version: z.literal(1),
  savedAt: z.number(),
  /** True when the emulator shut down cleanly at savedAt. */
  clean: z.boolean(),
  next: z.object({
    job: z.number().int(),
    planJob: z.number().int(),
    event: z.number().int(),
    scheduledJob: z.number().int().default(1),
  }),
  jobs: z.array(JobRecordSchema),
  planJobs: z.array(PlanJobRecordSchema),
  scheduledJobs: z.array(ScheduledJobRecordSchema).default([]),
});

export type NodeOutcome = z.infer<typeof NodeOutcomeSchema>;
export type JobNode = z.infer<typeof JobNodeSchema>;
export type JobRecord = z.infer<typeof JobRecordSchema>;
export type PlanJobRecord = z.infer<typeof PlanJobRecordSchema>;
export type PlanStepRecord = z.infer<typeof PlanStepRecordSchema>;
export type PlannedRun = z.infer<typeof PlannedRunSchema>;
export type StateFile = z.infer<typeof StateFileSchema>;
export type ScheduledJobRecord = z.infer<typeof ScheduledJobRecordSchema>;
export type ScheduledRun = z.infer<typeof ScheduledRunSchema>;
export type Interrupt = z.infer<typeof InterruptSchema>;
