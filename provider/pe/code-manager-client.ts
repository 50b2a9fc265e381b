import { ApiClient, type CallOptions, validate } from "./http/api-client";
import {
  type CodeDeployRequest,
  type CodeDeployResult,
  codeDeployRequestSchema,
  codeDeploysResponseSchema,
  type DeploysStatus,
  deploysStatusSchema,
} from "./code-manager-schemas";

/**
 * Typed calls for PE's Code Manager (`/code-manager/v1`, port 8170 of the primary): the same transport, token,
 * CA and error handling as the orchestrator client. Code Manager is not a job API: a deploy has no record to
 * poll, only its answer (with `wait`) and `GET /deploys/status`.
 */
export class CodeManagerClient extends ApiClient {
  /**
   * `POST /deploys`. Never re-sent (a second request would queue a second deploy); with `wait` the answer comes
   * when every deploy ended, so `timeoutMs` should cover the deploy.
   */
  deploy(
    body: CodeDeployRequest,
    options: CallOptions & { timeoutMs?: number } = {},
  ): Promise<CodeDeployResult[]> {
    const parsed = validate(codeDeployRequestSchema, body, "POST /deploys");
    return this.request(
      {
        method: "POST",
        path: "/deploys",
        body: parsed,
        schema: codeDeploysResponseSchema,
        idempotent: false,
        subject: parsed.environments?.length === 1 ? { environment: parsed.environments[0] } : undefined,
        timeoutMs: options.timeoutMs,
      },
      options,
    );
  }

  /** `GET /deploys/status`: deploys queued, running and failed, and each environment's deployed commit. */
  deploysStatus(options?: CallOptions): Promise<DeploysStatus> {
    return this.get("/deploys/status", deploysStatusSchema, options);
  }
}
