import { type DeployRequest } from "../pe";
import { jobSketch } from "../wait";
import { type DeployInputs, deployInputsSchema } from "./kind-inputs";
import type { JobKind } from "./job-kind";
import { withMarker } from "../recovery/job-marker";
import { type DeployJobOutputs, deployOutputs } from "./job-outputs";
import { environmentKnown, suggestEnvironment } from "../preview/known-names";
import { nodeJobParts } from "./node-job-parts";
import { resolveTargets } from "../preview/resolve-targets";

/** Maps the resource's inputs to the deploy request, carrying only what the user set (never server defaults). */
export function deployRequest(inputs: DeployInputs): DeployRequest {
  const list = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(",") : value);
  const scope =
    inputs.nodes !== undefined
      ? { nodes: inputs.nodes }
      : inputs.query !== undefined
        ? { query: inputs.query }
        : inputs.nodeGroup !== undefined
          ? { node_group: inputs.nodeGroup }
          : inputs.application !== undefined
            ? { application: inputs.application }
            : undefined;
  const body: Record<string, unknown> = {
    environment: inputs.environment,
    scope,
    noop: inputs.noop,
    no_noop: inputs.noNoop,
    concurrency: inputs.concurrency,
    description: inputs.description,
    enforce_environment: inputs.enforceEnvironment,
    debug: inputs.debug,
    trace: inputs.trace,
    evaltrace: inputs.evaltrace,
    filetimeout: inputs.filetimeout,
    http_connect_timeout: inputs.httpConnectTimeout,
    http_keepalive_timeout: inputs.httpKeepaliveTimeout,
    http_read_timeout: inputs.httpReadTimeout,
    ordering: inputs.ordering,
    skip_tags: list(inputs.skipTags),
    tags: list(inputs.tags),
    use_cached_catalog: inputs.useCachedCatalog,
    usecacheonfailure: inputs.usecacheonfailure,
    userdata: inputs.userdata,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as DeployRequest;
}

export const deployJob: JobKind<DeployInputs, DeployJobOutputs> = {
  typeName: "EnvironmentDeploy",
  jobNoun: "job",
  schema: deployInputsSchema,
  replaceKeys: [
    "environment",
    "nodes",
    "query",
    "nodeGroup",
    "application",
    "noop",
    "noNoop",
    "concurrency",
    "enforceEnvironment",
    "debug",
    "trace",
    "evaltrace",
    "filetimeout",
    "httpConnectTimeout",
    "httpKeepaliveTimeout",
    "httpReadTimeout",
    "ordering",
    "skipTags",
    "tags",
    "useCachedCatalog",
    "usecacheonfailure",
    "triggers",
  ],
  async describeRun(client, inputs) {
    if (inputs.application !== undefined) return undefined; // app orchestration: nothing to resolve
    const { environment } = inputs;
    const mode = inputs.noop ? " in noop mode" : "";
    // A deploy may follow a CodeDeploy that creates its environment in the same `up`: a warning, not a failure.
    const warnings =
      environment !== "" && (await environmentKnown(client, environment)) === false
        ? [
            `environment ${environment} is not known to the orchestrator${await suggestEnvironment(client, environment)}; ` +
              "the deploy will fail unless code is deployed to it first",
          ]
        : [];
    return {
      action:
        environment === ""
          ? `run Puppet${mode} in each agent's own environment`
          : `run Puppet${mode} in ${environment}`,
      targets: () => resolveTargets(client, environment, inputs),
      warnings,
    };
  },
  sketch: (inputs) => jobSketch("deploy", deployRequest(inputs)),
  async start(client, inputs, marker) {
    const created = await client.deploy(
      deployRequest({ ...inputs, userdata: withMarker(inputs.userdata, marker) }),
    );
    return created.job.name;
  },
  warnings(inputs) {
    const scoped = inputs.nodes ?? inputs.query ?? inputs.nodeGroup ?? inputs.application;
    if (scoped !== undefined) return [];
    return [
      `no scope (nodes, query, nodeGroup): this deploys every node of environment "${inputs.environment}", ` +
        `as PE does for {"environment":"${inputs.environment}"}; set a scope to deploy fewer nodes`,
    ];
  },
  ...nodeJobParts("deploy", deployOutputs),
};
