export interface HintContext {
  method: string;
  /** the endpoint path template, e.g. `/command/deploy`, `/jobs/81` */
  path: string;
  status?: number;
  kind?: string;
  details?: Record<string, unknown>;
  /** network error code */
  code?: string;
  /** names the caller knows: environment, plan, job */
  subject?: { environment?: string; plan?: string; job?: string; task?: string };
  /** e.g. `PE_TOKEN_FILE (/home/me/.puppetlabs/token)` */
  tokenOrigin: string;
  /** e.g. `pe:cacert`, or the list of places to set one */
  cacertSetting: string;
  serviceUrl: string;
  serviceUrlSetting: string;
}

const TLS_TRUST_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

export function isTlsTrustError(code: string | undefined): boolean {
  return code !== undefined && TLS_TRUST_CODES.has(code);
}

/** What the user can do about a failure, in one sentence; undefined when there is nothing useful to say. */
export function hintFor(c: HintContext): string | undefined {
  const kind = c.kind ?? "";
  if (c.status === 401) {
    const what = kind.endsWith("/token-expired")
      ? "the token has expired"
      : kind.endsWith("/user-unauthenticated")
        ? "no token was sent"
        : "the token was rejected";
    return `${what} (token from ${c.tokenOrigin}): run "puppet-access login" or set pe:token`;
  }
  if (c.status === 403) return `the PE user lacks the RBAC permission ${permissionFor(c.path)}`;
  if (kind.endsWith("/unknown-environment")) {
    const env = str(c.details?.environment) ?? c.subject?.environment;
    return `environment ${env ? `"${env}" ` : ""}does not exist on the orchestrator: check its name and that Code Manager deployed it`;
  }
  if (kind.endsWith("/unknown-plan")) {
    const plan = c.subject?.plan ?? str(c.details?.plan_name) ?? str(c.details?.plan);
    const env = c.subject?.environment ?? str(c.details?.environment);
    return `plan ${plan ? `"${plan}" ` : ""}was not found${env ? ` in environment "${env}"` : ""}: check the plan name and that its module is deployed`;
  }
  if (kind.endsWith("/unknown-task")) {
    const task = c.subject?.task ?? str(c.details?.task);
    const env = c.subject?.environment ?? str(c.details?.environment);
    return `task ${task ? `"${task}" ` : ""}was not found${env ? ` in environment "${env}"` : ""}: check the task name and that its module is deployed`;
  }
  if (kind.endsWith("/unknown-job") && c.path.startsWith("/scheduled_jobs")) {
    return `scheduled job${c.subject?.job ? ` ${c.subject.job}` : ""} does not exist (wrong id, or a job id used as a scheduled job's)`;
  }
  if (kind.endsWith("/disabled-scheduled-job"))
    return "PE lets no one edit or re-enable a disabled scheduled job: create a new one";
  if (kind.endsWith("/invalid-time"))
    return "the start time is in the past and the schedule has no interval: PE would never run it";
  if (kind.endsWith("/unknown-job")) {
    const job = c.subject?.job ? ` ${c.subject.job}` : "";
    return `job${job} does not exist (wrong id, a plan job id used as a job id, or pruned by the server)`;
  }
  if (kind.endsWith("/validation-error")) return "the request was rejected as invalid; see details";
  if (isTlsTrustError(c.code)) {
    return `the server's certificate is not signed by a trusted CA: set ${c.cacertSetting} to the PE CA certificate (/etc/puppetlabs/puppet/ssl/certs/ca.pem on the primary server)`;
  }
  if (c.code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `the server's certificate does not name this host: use a hostname from the certificate in ${c.serviceUrlSetting}`;
  }
  if (c.code === "CERT_HAS_EXPIRED") return "the server's certificate has expired";
  if (c.code === "ECONNREFUSED")
    return `nothing accepts connections at ${c.serviceUrl} (from ${c.serviceUrlSetting})`;
  if (c.code === "ENOTFOUND" || c.code === "EAI_AGAIN") {
    return `the host of ${c.serviceUrl} (from ${c.serviceUrlSetting}) cannot be resolved`;
  }
  if (c.code === "EPROTO" || c.code === "ERR_SSL_WRONG_VERSION_NUMBER") {
    return `the server did not speak TLS: check the scheme and port of ${c.serviceUrlSetting}`;
  }
  return undefined;
}

function permissionFor(path: string): string {
  if (path.startsWith("/deploys")) {
    return '"Puppet Environment: Deploy code" for these environments (grant it to the user\'s role in the PE console: Access control > User roles)';
  }
  if (path.startsWith("/command/deploy")) {
    return '"Puppet agent: Run Puppet on agent nodes" (and "Job orchestrator: Start, stop and view jobs"), or may not act on these nodes';
  }
  if (path.startsWith("/command/plan_run") || path.startsWith("/plans")) {
    return '"Plans: Run plans" for this plan (and "Job orchestrator: Start, stop and view jobs")';
  }
  if (path.startsWith("/scheduled_jobs")) {
    return '"Job orchestrator: Start, stop and view jobs" and the permission to run what the schedule runs (Puppet, the task or the plan) on its nodes';
  }
  if (path.startsWith("/command/task") || path.startsWith("/tasks")) {
    return '"Tasks: Run tasks" for this task (and "Job orchestrator: Start, stop and view jobs"), or may not act on these nodes';
  }
  return '"Job orchestrator: Start, stop and view jobs"';
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}
