import * as pulumi from "@pulumi/pulumi";
import { SECRET_PARAMS_KEY } from "../../resource/output-keys";
import { DynamicResource, type ResourceTypeName, typeToken } from "./dynamic-resource";

/** Per-resource override of the connection settings (see the README's "Configuration"). */
export interface ConnectionArgs {
  /** `https://host:8143`, with or without `/orchestrator/v1`. */
  serviceUrl?: pulumi.Input<string>;
  /** Code Manager (CodeDeploy): `https://host:8170`, with or without `/code-manager/v1`; default the orchestrator's host on 8170. */
  codeManagerUrl?: pulumi.Input<string>;
  /** A PE RBAC token. Stored encrypted in state, even when given as a plain string. */
  token?: pulumi.Input<string>;
  /** Path to a file holding the token (what `puppet-access login` writes). */
  tokenFile?: pulumi.Input<string>;
  /** The CA that signed the orchestrator's certificate: a PEM file path or the PEM text. */
  cacert?: pulumi.Input<string>;
  /** Skip TLS verification. Explicit opt-in only; warns. */
  insecure?: pulumi.Input<boolean>;
  /** PuppetDB (`https://host:8081`), read by preview to resolve query scopes; default the orchestrator's host. */
  puppetdbUrl?: pulumi.Input<string>;
  /** The node classifier (`https://host:4433`), read by preview for node groups; default the orchestrator's host. */
  classifierUrl?: pulumi.Input<string>;
}

/** Inputs both resources take. */
export interface CommonJobArgs {
  /** Any change of these values replaces the resource, which runs the job again. */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
  /** How long `pulumi up` waits for the job; at the deadline the job is stopped and the operation fails. */
  waitTimeoutSeconds?: pulumi.Input<number>;
  /** Fail the operation when the job fails or is stopped (default true); false records the outcome in `state`. */
  failOnJobFailure?: pulumi.Input<boolean>;
  /**
   * On Ctrl-C (or SIGTERM) during `pulumi up`, stop the job in PE instead of leaving it running (default
   * false: the job keeps running, is recorded, and the next `up` waits for it). Changing it runs nothing.
   */
  stopOnCancel?: pulumi.Input<boolean>;
  /** Stored with the job; shown in the PE console. Changing it does not run the job again. */
  description?: pulumi.Input<string>;
  /** Arbitrary JSON stored with the job (`userdata`). Changing it does not run the job again. */
  userdata?: pulumi.Input<Record<string, unknown>>;
  /**
   * Adopt an existing job instead of starting one: the resource waits for it and records it (the way to bring
   * a job that ran outside Pulumi into a stack). Changing it replaces the resource.
   */
  importJobId?: pulumi.Input<string>;
  /** Connection overrides for this resource; each setting left out comes from the provider (the `pe:*` stack config). */
  connection?: pulumi.Input<ConnectionArgs>;
  /**
   * Fail `pulumi preview` (and `up`) when a target node is not connected to the orchestrator; by default
   * preview only warns. Changing it does not run the job again.
   */
  requireConnected?: pulumi.Input<boolean>;
}

/** The outputs both resources expose. */
export abstract class JobResource extends DynamicResource {
  /** The job's name, the number PE assigned (e.g. "81"); also the resource's id. */
  declare readonly jobId: pulumi.Output<string>;
  /** The job's URL under the configured orchestrator. */
  declare readonly jobUrl: pulumi.Output<string>;
  /** The final state as the orchestrator reports it (`finished`/`failed`/`stopped`, `success`/`failure`). */
  declare readonly state: pulumi.Output<string>;
  /** When the job started (ISO 8601), as the orchestrator reports it; null when it does not. */
  declare readonly startedAt: pulumi.Output<string | null>;
  /** When the job finished (ISO 8601), as the orchestrator reports it; null when it does not. */
  declare readonly finishedAt: pulumi.Output<string | null>;
  /** Seconds from start to finish; null when either is unknown. */
  declare readonly durationSeconds: pulumi.Output<number | null>;
  /** Login of the user who started the job. */
  declare readonly owner: pulumi.Output<string | null>;
}

/** Keeps the token secret in state: per field when the object is plain, else the whole connection. */
function secretConnection(connection: CommonJobArgs["connection"]): CommonJobArgs["connection"] {
  if (connection === undefined) return undefined;
  if (pulumi.Output.isInstance(connection) || connection instanceof Promise) return pulumi.secret(connection);
  const plain = connection as ConnectionArgs;
  return plain.token === undefined ? plain : { ...plain, token: pulumi.secret(plain.token) };
}

/**
 * The property bag a resource registers: the user's inputs, its URN (so progress shows on the resource's own
 * row) and the outputs the provider will fill in.
 */
export function jobResourceProps(
  name: string,
  typeName: ResourceTypeName,
  args: Pick<CommonJobArgs, "connection">,
  opts: pulumi.CustomResourceOptions | undefined,
  outputKeys: readonly string[],
): pulumi.Inputs {
  const urn = pulumi.createUrn(name, typeToken(typeName), opts?.parent);
  const params = (args as { params?: pulumi.Input<Record<string, unknown>> }).params;
  return {
    ...Object.fromEntries(outputKeys.map((key) => [key, undefined])),
    ...args,
    connection: secretConnection(args.connection),
    __urn: urn,
    ...(params === undefined ? {} : { [SECRET_PARAMS_KEY]: pulumi.isSecret(pulumi.output(params)) }),
  };
}
