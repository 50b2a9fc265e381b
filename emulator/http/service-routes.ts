import { getNodeGroup } from "../nodes/classifier-queries";
import type { Handler } from "./handler-types";
import { queryPuppetDb } from "../nodes/puppetdb-queries";
import { routes } from "./routes";

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
