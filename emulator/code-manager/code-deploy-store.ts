import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { formatZodError } from "../world/format-zod-error";

/** One environment's deploy, fixed when it is queued; its status is derived from the clock. */
export const CodeDeployRecordSchema = z.object({
  id: z.number().int(),
  environment: z.string(),
  queuedAt: z.number(),
  /** Real ms: the deploy runs in [startAt, endAt). Deploys of one environment run one after the other. */
  startAt: z.number(),
  endAt: z.number(),
  /** The branch's head, or null when the control repo has no such branch (the deploy fails). */
  signature: z.string().nullable(),
});
export type CodeDeployRecord = z.infer<typeof CodeDeployRecordSchema>;

const StateSchema = z.object({ nextId: z.number().int(), deploys: z.array(CodeDeployRecordSchema) });

export type CodeDeployStatus = "queued" | "deploying" | "complete" | "failed";

/** How many finished deploys are kept (Code Manager garbage-collects old results too). */
const KEEP = 1000;

/**
 * Code Manager's deploys, persisted to `stateDir/code-manager.json` beside the job history. Ids restart at 1 in
 * a fresh state directory, as the queue ids of a restarted Code Manager do.
 */
export class CodeDeployStore {
  private nextId = 1;
  readonly deploys: CodeDeployRecord[] = [];

  private constructor(private readonly file?: string) {}

  static load(stateDir?: string): CodeDeployStore {
    const file = stateDir ? path.join(stateDir, "code-manager.json") : undefined;
    const store = new CodeDeployStore(file);
    if (!file || !fs.existsSync(file)) return store;
    const parsed = StateSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`${file}: ${formatZodError(parsed.error)}`);
    store.nextId = parsed.data.nextId;
    store.deploys.push(...parsed.data.deploys);
    return store;
  }

  /** Queues a deploy of `environment` taking `runMs`, after any deploy of it still queued or running. */
  queue(environment: string, signature: string | null, now: number, runMs: number): CodeDeployRecord {
    const startAt = Math.max(now, this.busyUntil(environment, now));
    const record = {
      id: this.nextId++,
      environment,
      queuedAt: now,
      startAt,
      endAt: startAt + runMs,
      signature,
    };
    this.deploys.push(record);
    if (this.deploys.length > KEEP) this.deploys.splice(0, this.deploys.length - KEEP);
    this.save();
    return record;
  }

  /** When the environment's last queued or running deploy ends (`now` when none is). */
  busyUntil(environment: string, now: number): number {
    let until = now;
    for (const d of this.deploys) if (d.environment === environment && d.endAt > until) until = d.endAt;
    return until;
  }

  /** The commit the environment's newest completed deploy put in place by `now` (undefined: none yet). */
  deployedCommit(environment: string, now: number): string | undefined {
    let newest: CodeDeployRecord | undefined;
    for (const d of this.deploys)
      if (
        d.environment === environment &&
        statusOf(d, now) === "complete" &&
        (newest?.endAt ?? -1) <= d.endAt
      )
        newest = d;
    return newest?.signature ?? undefined;
  }

  save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ nextId: this.nextId, deploys: this.deploys }));
    fs.renameSync(tmp, this.file);
  }
}

export function statusOf(deploy: CodeDeployRecord, now: number): CodeDeployStatus {
  if (now < deploy.startAt) return "queued";
  if (now < deploy.endAt) return "deploying";
  return deploy.signature === null ? "failed" : "complete";
}

/** File sync's own commits for a deploy: stable, distinct per deploy. */
export function fileSyncOf(deploy: CodeDeployRecord): {
  "environment-commit": string;
  "code-commit": string;
} {
  const sha = (what: string) =>
    createHash("sha1").update(`${what}:${deploy.id}:${deploy.queuedAt}:${deploy.signature}`).digest("hex");
  return { "environment-commit": sha("environment"), "code-commit": sha("code") };
}

/** The error of a deploy whose branch the control repo lacks, as r10k reports it through Code Manager. */
export function deployError(deploy: CodeDeployRecord) {
  return {
    kind: "puppetlabs.code-manager/deploy-failure",
    msg:
      `Errors while deploying environment '${deploy.environment}' (exit code: 1):\n` +
      `ERROR\t -> Environment(s) '${deploy.environment}' cannot be found in any source and will not be deployed.`,
    details: { "corrected-env-name": deploy.environment },
  };
}
