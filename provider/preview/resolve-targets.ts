import {
  certnameRowsSchema,
  getNodeGroup,
  type NodeGroup,
  type OrchestratorClient,
  OrchestratorError,
  queryPuppetDb,
} from "../pe";
import { classifierRuleToQuery } from "./classifier-rule-query";
import { hasLookup, lookupOnce, storeLookup } from "../pe/lookup-cache";

/** A job's scope as the resources take it; none of them set = the whole environment. */
export interface TargetScope {
  nodes?: string[];
  query?: string;
  nodeGroup?: string;
}

export interface ResolvedTargets {
  /** Certnames, in the order the source gave them, without duplicates. */
  names: string[];
  /** Where they came from, for the preview line: `nodes`, `query`, `node group Web servers`, ... */
  source: string;
}

/** A lookup that failed: `message` is one line saying what could not be resolved and why. */
export class TargetLookupError extends Error {
  override name = "TargetLookupError";
}

/** What went wrong with a lookup, as a predicate: "could not be reached (ECONNREFUSED)", "answered HTTP 503". */
export function lookupFailure(error: unknown): string {
  if (!(error instanceof OrchestratorError)) return `failed: ${(error as Error).message}`;
  if (error.status === 401) return "refused the token (HTTP 401)";
  if (error.status === 403) return "does not let the token read it (HTTP 403)";
  if (error.status !== undefined)
    return `answered HTTP ${error.status}${error.msg ? `: ${error.msg.split("\n")[0].slice(0, 200)}` : ""}`;
  return `could not be reached (${error.code ?? error.message})`;
}

async function certnames(
  client: OrchestratorClient,
  query: string | unknown[],
  what: string,
): Promise<string[]> {
  const puppetdb = client.settings.puppetdb;
  try {
    const rows = await queryPuppetDb(client, query, certnameRowsSchema);
    return [...new Set(rows.map((row) => row.certname))];
  } catch (error) {
    throw new TargetLookupError(
      `could not resolve ${what}: PuppetDB at ${puppetdb.value} (${puppetdb.from}) ${lookupFailure(error)}`,
    );
  }
}

/** A node group's members: its rule (pinned nodes included) evaluated by PuppetDB. */
function groupTargets(client: OrchestratorClient, id: string): Promise<{ name: string; names: string[] }> {
  const classifier = client.settings.classifier;
  return lookupOnce(client, `${classifier.value} group ${id}`, async () => {
    let group: NodeGroup;
    try {
      group = await getNodeGroup(client, id);
    } catch (error) {
      const missing = error instanceof OrchestratorError && error.status === 404;
      throw new TargetLookupError(
        missing
          ? `node group ${id} does not exist in the classifier at ${classifier.value}`
          : `could not resolve node group ${id}: the classifier at ${classifier.value} (${classifier.from}) ${lookupFailure(error)}`,
      );
    }
    if (!group.rule) return { name: group.name, names: [] };
    let query: unknown[];
    try {
      query = classifierRuleToQuery(group.rule);
    } catch (error) {
      throw new TargetLookupError(`could not resolve node group ${group.name}: ${(error as Error).message}`);
    }
    return { name: group.name, names: await certnames(client, query, `node group ${group.name}`) };
  });
}

/**
 * The nodes a job's scope will run on, resolved as PE resolves it: `nodes` as given, `query` through PuppetDB,
 * `nodeGroup` through the classifier (its rule and pinned nodes) and PuppetDB, no scope = every node whose agent
 * environment is `environment`. Throws TargetLookupError (one line) when a service cannot be reached or read.
 */
export async function resolveTargets(
  client: OrchestratorClient,
  environment: string,
  scope: TargetScope,
): Promise<ResolvedTargets> {
  const puppetdb = client.settings.puppetdb.value;
  if (scope.nodes !== undefined) return { names: [...new Set(scope.nodes)], source: "nodes" };
  if (scope.query !== undefined) {
    const query = scope.query;
    const names = await lookupOnce(client, `${puppetdb} query ${query}`, () =>
      certnames(client, query, `query ${JSON.stringify(query)}`),
    );
    return { names, source: "query" };
  }
  if (scope.nodeGroup !== undefined) {
    const group = await groupTargets(client, scope.nodeGroup);
    return { names: group.names, source: `node group ${group.name}` };
  }
  const names = await lookupOnce(client, `${puppetdb} environment ${environment}`, () =>
    certnames(
      client,
      ["from", "nodes", ["extract", ["certname"], ["=", "catalog_environment", environment]]],
      `the nodes of environment ${environment}`,
    ),
  );
  return { names, source: `every node of environment ${environment}` };
}

/**
 * Which of `names` are not connected to the orchestrator (`POST /inventory`), asking in one request only about
 * the nodes not asked about before in this process. Throws TargetLookupError when the inventory cannot be read.
 */
export async function disconnectedNodes(client: OrchestratorClient, names: string[]): Promise<string[]> {
  const key = (name: string) => `${client.apiUrl} inventory ${name}`;
  const missing = names.filter((name) => !hasLookup(client, key(name)));
  if (missing.length > 0) {
    const batch = client.inventory(missing).then(
      (inventory) => new Map(inventory.items.map((item) => [item.name, item.connected])),
      (error: unknown) => {
        throw new TargetLookupError(
          `could not check which nodes are connected: the orchestrator's inventory ${lookupFailure(error)}`,
        );
      },
    );
    for (const name of missing)
      storeLookup(
        client,
        key(name),
        batch.then((connected) => connected.get(name) === true),
      );
  }
  const connected = await Promise.all(
    names.map((name) => lookupOnce(client, key(name), () => Promise.resolve(false))),
  );
  return names.filter((_, index) => !connected[index]);
}
