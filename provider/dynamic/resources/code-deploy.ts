import * as pulumi from "@pulumi/pulumi";
import { CODE_DEPLOY_OUTPUT_KEYS } from "../../resource/output-keys";
import { type ConnectionArgs, jobResourceProps } from "./common-args";
import { DynamicResource } from "./dynamic-resource";

/** Inputs of a {@link CodeDeploy}: the body of Code Manager's `POST /code-manager/v1/deploys`, in camelCase. */
export interface CodeDeployArgs {
  /** Environments (control-repo branches) to deploy. Exactly one of `environments` and `deployAll`. */
  environments?: pulumi.Input<pulumi.Input<string>[]>;
  /** `true`: deploy every environment Code Manager knows. */
  deployAll?: pulumi.Input<boolean>;
  /**
   * The commit the deploy is meant to deploy (7 to 40 hex digits): the operation fails, naming both commits, when
   * Code Manager deployed another one (the branch moved).
   */
  expectedSignature?: pulumi.Input<string>;
  /** Any change of these values replaces the resource, which deploys again (e.g. `[commitSha]`). */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
  /** How long `pulumi up` waits for the deploys; Code Manager cannot stop a deploy, so it goes on after that. */
  waitTimeoutSeconds?: pulumi.Input<number>;
  /** Fail the operation when an environment fails to deploy (default true); false records it in `state`. */
  failOnJobFailure?: pulumi.Input<boolean>;
  /** Connection overrides; `codeManagerUrl` defaults to the orchestrator's host on port 8170. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** File sync's commits of a deploy (Code Manager's `file-sync`). */
export interface CodeDeployFileSync {
  environmentCommit: string;
  codeCommit: string;
}

/** Code Manager's error for an environment that failed to deploy. */
export interface CodeDeployError {
  kind: string;
  msg: string | null;
  details: Record<string, unknown> | null;
}

/** One environment's deploy, as recorded in {@link CodeDeploy.deploys}. */
export interface EnvironmentCodeDeploy {
  environment: string;
  /** Code Manager's queue id (null when the outcome was read from `/deploys/status`). */
  id: number | null;
  /** `complete` or `failed` (`queued`/`deploying` when recorded before the end). */
  status: string;
  /** The control-repo commit deployed. */
  deploySignature: string | null;
  fileSync: CodeDeployFileSync | null;
  error: CodeDeployError | null;
}

/**
 * Deploys Puppet code from the control repo with PE's Code Manager (`POST /code-manager/v1/deploys`), waits for
 * every environment and exposes the commits deployed. Feed `deploySignatures[env]` into an EnvironmentDeploy's
 * `triggers` so that new code runs Puppet again.
 */
export class CodeDeploy extends DynamicResource {
  /** `complete` (every environment deployed) or `failed`; `deploying` when recorded before the end. */
  declare readonly state: pulumi.Output<string>;
  /** One entry per environment: status, deployed commit, file-sync commits, error. */
  declare readonly deploys: pulumi.Output<EnvironmentCodeDeploy[]>;
  /** The commit deployed per environment, e.g. `{ production: "482f8d3a…" }`. */
  declare readonly deploySignatures: pulumi.Output<Record<string, string>>;
  /** When the deploy was asked of Code Manager (ISO 8601). */
  declare readonly startedAt: pulumi.Output<string>;
  /** When the deploy ended (ISO 8601); null when recorded mid-deploy (`state` is `deploying`). */
  declare readonly finishedAt: pulumi.Output<string | null>;
  /** Seconds from start to end; null when recorded mid-deploy. */
  declare readonly durationSeconds: pulumi.Output<number | null>;

  constructor(name: string, args: CodeDeployArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "CodeDeploy",
      name,
      jobResourceProps(name, "CodeDeploy", args, opts, CODE_DEPLOY_OUTPUT_KEYS),
      opts,
    );
  }
}
