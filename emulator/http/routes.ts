import { deploy, runTask, stopJob } from "../jobs/commands";
import { getJob, getJobEvents, getJobNodes, getJobReport, listJobs } from "../jobs/job-queries";
import { getNodeGroup } from "../nodes/classifier-queries";
import { getInventoryNode, listInventory, postInventory } from "../nodes/inventory-queries";
import { queryPuppetDb } from "../nodes/puppetdb-queries";
import { planRun, stopPlan } from "../plans/plan-commands";
import { getPlan, getPlanJob, getPlanJobEvents, listPlanJobs, listPlans } from "../plans/plan-queries";
import { createScheduledJob, editScheduledJob } from "../scheduled-jobs/scheduled-job-commands";
import { getScheduledJob, listScheduledJobs } from "../scheduled-jobs/scheduled-job-queries";
import { getTask, listTasks } from "../tasks/task-queries";
import type { Handler } from "./handler-types";

/** The API below /orchestrator/v1: method, path pattern (groups become params), handler. */
const routes: Array<[string, RegExp, Handler]> = [
  ["POST", /^\/command\/deploy$/, deploy],
  ["POST", /^\/command\/task$/, runTask],
  ["POST", /^\/command\/plan_run$/, planRun],
  ["POST", /^\/command\/stop$/, stopJob],
  ["POST", /^\/command\/stop_plan$/, stopPlan],
  ["GET", /^\/jobs$/, listJobs],
  ["GET", /^\/jobs\/([^/]+)$/, getJob],
  ["GET", /^\/jobs\/([^/]+)\/nodes$/, getJobNodes],
  ["GET", /^\/jobs\/([^/]+)\/report$/, getJobReport],
  ["GET", /^\/jobs\/([^/]+)\/events$/, getJobEvents],
  ["GET", /^\/plan_jobs$/, listPlanJobs],
  ["GET", /^\/plan_jobs\/([^/]+)$/, getPlanJob],
  ["GET", /^\/plan_jobs\/([^/]+)\/events$/, getPlanJobEvents],
  ["GET", /^\/plans$/, listPlans],
  ["GET", /^\/plans\/([^/]+)\/([^/]+)$/, getPlan],
  ["GET", /^\/inventory$/, listInventory],
  ["POST", /^\/inventory$/, postInventory],
  ["GET", /^\/inventory\/([^/]+)$/, getInventoryNode],
  ["GET", /^\/tasks$/, listTasks],
  ["GET", /^\/tasks\/([^/]+)\/([^/]+)$/, getTask],
  ["GET", /^\/scheduled_jobs\/environment_jobs$/, listScheduledJobs],
  ["POST", /^\/scheduled_jobs\/environment_jobs$/, createScheduledJob],
  ["GET", /^\/scheduled_jobs\/environment_jobs\/([^/]+)$/, getScheduledJob],
  ["PUT", /^\/scheduled_jobs\/environment_jobs\/([^/]+)$/, editScheduledJob],
];

/**
 * The PE services the emulator serves on its one port, by path prefix (in PE they listen on 8143, 8081 and
 * 4433; their paths do not overlap). Each has the same token authentication and faults.
 */
export const serviceRoutes: Array<{ prefix: string; routes: Array<[string, RegExp, Handler]> }> = [
  { prefix: "/orchestrator/v1", routes },
  {
    prefix: "/pdb/query/v4",
    routes: [
      ["POST", /^\/?$/, queryPuppetDb],
      ["GET", /^\/?$/, queryPuppetDb],
    ],
  },
  { prefix: "/classifier-api/v1", routes: [["GET", /^\/groups\/([^/]+)$/, getNodeGroup]] },
];
