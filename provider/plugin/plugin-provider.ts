import type * as provider from "@pulumi/pulumi/provider";
import { codeDeployOperations } from "../code-deploys/code-deploy-operations";
import { environmentDeployOperations } from "../jobs/environment-deploy-operations";
import type { Props } from "../resource/host";
import { JobFailedError } from "../resource/job-failed-error";
import { jobOperations } from "../jobs/job-operations";
import type { ResourceOperations } from "../resource/resource-operations";
import { SECRET_PARAMS_KEY, SENSITIVE_PARAMS_KEY } from "../resource/output-keys";
import { planJob } from "../kinds/plan-job";
import { safeOperations } from "../resource/safe-operations";
import { scheduledDeploy } from "../schedules/scheduled-deploy";
import { scheduledJobOperations } from "../schedules/scheduled-job-operations";
import { scheduledPlan } from "../schedules/scheduled-plan";
import { scheduledTask } from "../schedules/scheduled-task";
import { taskJob } from "../kinds/task-job";
import { typeToken } from "./package";
import type { PluginHost } from "./plugin-host";
import { isSecret, revealProps, secret, secretKeysOf } from "./secrets";

/** Outputs that may echo a job's params (a plan's result and error, a task's output): secret when params are. */
const ECHOES_OF_PARAMS = ["result", "error", "nodeResults"];

/** The resource type of a URN: `urn:pulumi:dev::proj::pe:index:PlanRun::canary` → `pe:index:PlanRun`. */
function typeOf(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

/**
 * The properties the operations work on: secrets revealed, whether params held one (for error messages) and
 * which of them (a scheduled job stores those as sensitive).
 */
function plain(raw: Props): { props: Props; secretKeys: Set<string> } {
  const { props, secretKeys } = revealProps(raw);
  if (props.params !== undefined) {
    props[SECRET_PARAMS_KEY] = secretKeys.has("params");
    props[SENSITIVE_PARAMS_KEY] = secretKeysOf(raw.params);
  }
  return { props, secretKeys };
}

/** Outputs as the engine stores them: what was secret stays secret, and so does a connection with a token. */
function wrapped(outs: Props, secretKeys: Set<string>): Props {
  const result: Props = {};
  for (const [key, value] of Object.entries(outs)) {
    if (key === SECRET_PARAMS_KEY || key === SENSITIVE_PARAMS_KEY) continue;
    const echo = secretKeys.has("params") && ECHOES_OF_PARAMS.includes(key);
    const token = key === "connection" && typeof value === "object" && value !== null && "token" in value;
    result[key] = (secretKeys.has(key) || echo || token) && value !== undefined ? secret(value) : value;
  }
  return result;
}

/**
 * Inputs as the engine stores them: as given (secrets stay wrapped), with a connection's token made secret even
 * when the program gave it as a plain string. The schema marks it secret, but the SDKs wrap only top-level secret
 * properties: a nested one reaches us in the clear, and the engine would store it so.
 */
function secretToken(inputs: Props): Props {
  const connection = inputs.connection;
  if (typeof connection !== "object" || connection === null || isSecret(connection)) return inputs;
  const { token } = connection as Props;
  if (token === undefined || token === null) return inputs;
  return { ...inputs, connection: { ...connection, token: secret(token) } };
}

/** A failed job keeps its partial state: wrapped too, so no secret reaches state in the clear. */
function rewrapFailure(error: unknown, secretKeys: Set<string>): never {
  if (error instanceof JobFailedError)
    throw new JobFailedError(error.message, error.id, wrapped(error.properties, secretKeys));
  throw error;
}

/**
 * The resources as a provider plugin: each `pe:index:<Type>` call goes to that type's engine-neutral
 * operations, with secrets revealed on the way in and wrapped on the way out. `read` with no properties is
 * `pulumi import`: the resource is adopted, with the inputs a program would declare for it.
 */
export function pluginProvider(host: PluginHost, version: string, schema: string): provider.Provider {
  const unsafe: Record<string, ResourceOperations> = {
    [typeToken("EnvironmentDeploy")]: environmentDeployOperations(host),
    [typeToken("TaskRun")]: jobOperations(taskJob, host),
    [typeToken("PlanRun")]: jobOperations(planJob, host),
    [typeToken("CodeDeploy")]: codeDeployOperations(host),
    [typeToken("ScheduledDeploy")]: scheduledJobOperations(scheduledDeploy, host),
    [typeToken("ScheduledTask")]: scheduledJobOperations(scheduledTask, host),
    [typeToken("ScheduledPlan")]: scheduledJobOperations(scheduledPlan, host),
  };
  const operations = Object.fromEntries(
    Object.entries(unsafe).map(([type, ops]) => [type, safeOperations(ops)]),
  );
  const of = (urn: string): ResourceOperations => {
    const found = operations[typeOf(urn)];
    if (!found)
      throw new Error(
        `unknown resource type ${typeOf(urn)} (this plugin serves ${Object.keys(operations).join(", ")})`,
      );
    return found;
  };
  return {
    version,
    schema,
    cancel: async () => host.cancel(),
    async check(urn, olds: Props, news: Props) {
      const result = await of(urn).check(urn, plain(olds).props, plain(news).props);
      // the engine keeps the inputs as given, secrets wrapped
      return { inputs: secretToken(news), failures: result.failures };
    },
    diff: (id, urn, olds: Props, news: Props) => of(urn).diff(urn, id, plain(olds).props, plain(news).props),
    async create(urn, inputs: Props) {
      const { props, secretKeys } = plain(inputs);
      const { id, outs } = await of(urn)
        .create(urn, props)
        .catch((e: unknown) => rewrapFailure(e, secretKeys));
      return { id, outs: wrapped(outs, secretKeys) };
    },
    async read(id, urn, stored: Props = {}) {
      if (Object.keys(stored).length === 0) {
        const adopted = await of(urn).adopt(urn, id);
        const secretKeys = new Set<string>();
        return {
          id: adopted.id,
          props: wrapped(adopted.props, secretKeys),
          inputs: wrapped(adopted.inputs, secretKeys),
        };
      }
      const { props, secretKeys } = plain(stored);
      const read = await of(urn).read(urn, id, props);
      return read.id === "" ? { id: "", props: {} } : { id: read.id, props: wrapped(read.props, secretKeys) };
    },
    async update(id, urn, olds: Props, news: Props) {
      const { props, secretKeys } = plain(news);
      const { outs } = await of(urn)
        .update(urn, id, plain(olds).props, props)
        .catch((e: unknown) => rewrapFailure(e, secretKeys));
      return { outs: wrapped(outs, secretKeys) };
    },
    delete: (id, urn, props: Props) => of(urn).delete(urn, id, plain(props).props),
  };
}
