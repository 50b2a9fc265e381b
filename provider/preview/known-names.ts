import { environmentRowsSchema, type OrchestratorClient, OrchestratorError, queryPuppetDb } from "../pe";
import { didYouMean } from "./did-you-mean";
import { lookupOnce } from "../pe/lookup-cache";

/**
 * Environment names the services know: PuppetDB's environments entity (every environment a node has used).
 * The orchestrator has no list of environments; Code Manager's can be added here. Empty when unreadable.
 */
export function knownEnvironments(client: OrchestratorClient): Promise<string[]> {
  return lookupOnce(client, `${client.settings.puppetdb.value} environments`, async () =>
    (await queryPuppetDb(client, ["from", "environments"], environmentRowsSchema)).map((row) => row.name),
  ).catch(() => []);
}

/** Plan names of an environment (`GET /plans`), for "did you mean"; empty when unreadable. */
export function knownPlans(client: OrchestratorClient, environment: string): Promise<string[]> {
  return lookupOnce(client, `${client.apiUrl} plans ${environment}`, async () =>
    (await client.listPlans(environment, { lookup: true })).items.map((plan) => plan.name),
  ).catch(() => []);
}

/**
 * Whether the orchestrator knows the environment, asked once per environment (`GET /plans?environment=`
 * answers 404 unknown-environment for one it does not). Undefined when it cannot tell (unreachable, no right).
 */
export function environmentKnown(
  client: OrchestratorClient,
  environment: string,
): Promise<boolean | undefined> {
  return lookupOnce(client, `${client.apiUrl} environment ${environment}`, async () => {
    try {
      await client.listPlans(environment, { lookup: true });
      return true;
    } catch (error) {
      if (error instanceof OrchestratorError && error.kind?.endsWith("/unknown-environment")) return false;
      return undefined;
    }
  });
}

/** ` (did you mean production?)` from the environments PuppetDB knows; "" when none is close. */
export async function suggestEnvironment(client: OrchestratorClient, environment: string): Promise<string> {
  return didYouMean(environment, await knownEnvironments(client));
}

/** ` (did you mean canary?)` from the environment's plans; "" when none is close. */
export async function suggestPlan(
  client: OrchestratorClient,
  planName: string,
  environment: string,
): Promise<string> {
  return didYouMean(planName, await knownPlans(client, environment));
}

/** Task names of an environment (`GET /tasks`), for "did you mean"; empty when unreadable. */
export function knownTasks(client: OrchestratorClient, environment: string): Promise<string[]> {
  return lookupOnce(client, `${client.apiUrl} tasks ${environment}`, async () =>
    (await client.listTasks(environment, { lookup: true })).items.map((task) => task.name),
  ).catch(() => []);
}

/** ` (did you mean package?)` from the environment's tasks; "" when none is close. */
export async function suggestTask(
  client: OrchestratorClient,
  taskName: string,
  environment: string,
): Promise<string> {
  return didYouMean(taskName, await knownTasks(client, environment));
}
