import { OrchestratorError, type ScheduledJob, type ScheduledJobsClient } from "../pe";
import { previewRun } from "../preview/preview-run";
import { createOrRecoverSchedule } from "../recovery/create-or-recover-schedule";
import { settleInFlight } from "../recovery/in-flight-journal";
import { canonicalJson } from "./canonical-json";
import { connections } from "./client-cache";
import type { Host, Props } from "./host";
import { NOT_FOR_SCHEDULES } from "./input-schemas";
import type { CheckFailure } from "./job-kind";
import { JobFailedError } from "./job-failed-error";
import { checkConnection, checkRemotely, type ResourceOperations } from "./job-operations";
import type { CommonJobOutputs } from "./job-outputs";
import { SCHEDULED_JOB_OUTPUT_KEYS } from "./output-keys";
import { hideParams, userInputs } from "./resource-props";
import type { ScheduledInputs, ScheduledJobKind } from "./scheduled-job-kind";
import { lastRunJob, scheduledJobOutputs } from "./scheduled-job-outputs";
import {
  comparable,
  declaredOf,
  recordOf,
  scheduledJobRequest,
  scheduledJobUpdate,
  sensitiveParams,
  UPDATABLE_KEYS,
  type UpdatableKey,
} from "./scheduled-job-request";
import { forgetSharedScheduledJobs, sharedScheduledJobs } from "./shared-scheduled-jobs";
import { startTimeCheck, whenItRuns } from "./start-time-check";
import { validateInputs } from "./validate-inputs";

/** Adopting an existing schedule (`importScheduledJobId`) is another schedule: a change replaces. */
export const ADOPT_SCHEDULE_KEY = "importScheduledJobId";
/** Changes that replace the resource: a new schedule, the old one disabled. */
const REPLACE_KEYS = new Set(["triggers", ADOPT_SCHEDULE_KEY]);
/** Inputs PE does not hold: a change updates state and sends nothing. */
const LOCAL_KEYS = new Set(["connection", "requireConnected"]);

/**
 * The operations of a scheduled resource: the one lasting object among the resources. `create` POSTs the
 * schedule, `update` PUTs the keys that changed, `delete` disables it (PE has no delete), `read` finds it in one
 * list of every schedule per connection and stores what PE holds under the inputs' names, so that a refresh shows
 * drift and the next `up` puts it back. A schedule PE holds disabled cannot be edited: a change replaces it.
 */
export function scheduledJobOperations<
  I extends J & ScheduledInputs,
  J extends { failOnJobFailure?: boolean },
  O extends CommonJobOutputs,
>(kind: ScheduledJobKind<I, J, O>, host: Host): ResourceOperations {
  const clients = connections(host);
  const say = (urn: string | undefined, message: string, severity: "info" | "warning" = "info") =>
    host.log(`${kind.typeName}: ${message}`, { urn, severity });

  /** The params the face says are secret: the ones posted `sensitive: true`. */
  const sensitiveOf = (props: Props, params: Record<string, unknown> | undefined) =>
    new Set([...sensitiveParams(props)].filter((name) => params !== undefined && name in params));

  /** What PE holds, as state says (the last create, update or refresh). */
  const heldBy = (olds: Props) => ({
    inputs: userInputs(olds) as I,
    sensitive: new Set(Array.isArray(olds.sensitiveParameters) ? (olds.sensitiveParameters as string[]) : []),
  });

  /** The user inputs whose values PE would be told differently (defaults applied: enabled true, description ""). */
  const changedInputs = (olds: Props, news: Props): string[] => {
    const before = normalized(userInputs(olds));
    const after = normalized(userInputs(news));
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const changed = [...keys].filter((key) => comparable(before[key], key) !== comparable(after[key], key));
    // a param that became secret, or stopped being one, is posted otherwise
    const held = heldBy(olds).sensitive;
    const wanted = sensitiveOf(news, after.params as Record<string, unknown> | undefined);
    if (!changed.includes("params") && canonicalJson([...held].sort()) !== canonicalJson([...wanted].sort()))
      changed.push("params");
    return changed;
  };

  const normalized = (inputs: Props): Props => ({
    ...inputs,
    enabled: inputs.enabled ?? true,
    description: inputs.description ?? "",
    userdata: inputs.userdata ?? {},
    params: kind.type === "deploy" ? undefined : (inputs.params ?? {}),
    environment: inputs.environment ?? (kind.type === "deploy" ? undefined : "production"),
  });

  /** A request failed: its error, prefixed and with secret params' values hidden. */
  const failed = (error: unknown, props: Props, what: string): Error => {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(hideParams(`${kind.typeName}: ${what}: ${message}`, props));
  };

  const outputsOf = async (client: ScheduledJobsClient, item: ScheduledJob) => {
    const job = lastRunJob(item);
    const plan = kind.type === "plan";
    const jobUrl = job
      ? plan
        ? client.orchestrator.planJobUrl(job.name)
        : client.orchestrator.jobUrl(job.name)
      : undefined;
    return scheduledJobOutputs(
      item,
      { schedule: client.url(item.name), job: jobUrl },
      job ? await jobState(client, job.name) : undefined,
    );
  };

  /** The state of a job a schedule started: from the kind's shared list of recent jobs, else its record. */
  const jobState = async (client: ScheduledJobsClient, name: string): Promise<string | undefined> => {
    try {
      const recent = await kind.job.recentJobs(client.orchestrator);
      const found = recent.find((job) => job.name === name);
      if (found) return found.state;
      const record =
        kind.type === "plan"
          ? await client.orchestrator.getPlanJob(name)
          : await client.orchestrator.getJob(name);
      return record.state;
    } catch {
      return undefined; // pruned, or not readable: lastRun says what the schedule knows
    }
  };

  /** A write: the operation's shared list of schedules is stale after it, whether PE took it or not. */
  const wrote = <T>(client: ScheduledJobsClient, request: Promise<T>): Promise<T> =>
    request.finally(() => forgetSharedScheduledJobs(client));

  /** The schedule `id`, from the operation's one list of schedules, else read by id; undefined when PE has none. */
  const find = async (client: ScheduledJobsClient, id: string): Promise<ScheduledJob | undefined> => {
    const listed = (await sharedScheduledJobs(client)).find((item) => item.name === id);
    if (listed) return listed;
    try {
      return await client.get(id);
    } catch (error) {
      if (error instanceof OrchestratorError && error.status === 404) return undefined;
      throw error;
    }
  };

  /** Only the keys a PUT may carry whose values differ between two records (sensitive values unseen: compared by name). */
  const recordChanges = (held: ScheduledJob, wanted: ScheduledJob, anySensitive: boolean): UpdatableKey[] => {
    const view = (item: ScheduledJob) => declaredOf(kind, item);
    const a = view(held);
    const b = view(wanted);
    const inputKeys = new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)]);
    const differs = (key: string) => comparable(a.inputs[key], key) !== comparable(b.inputs[key], key);
    const changed = new Set<UpdatableKey>();
    for (const key of inputKeys) {
      if (!differs(key)) continue;
      if (key === "schedule" || key === "description" || key === "userdata" || key === "enabled")
        changed.add(key);
      else if (key === "environment") changed.add("environment");
      else changed.add("input");
    }
    // values PE never returns cannot be compared: a schedule with secret params gets them sent again
    if (anySensitive || canonicalJson(a.sensitive) !== canonicalJson(b.sensitive)) changed.add("input");
    return UPDATABLE_KEYS.filter((key) => changed.has(key));
  };

  return {
    async check(urn, olds, news) {
      const all = userInputs(news);
      const failures: CheckFailure[] = Object.keys(all)
        .filter((key) => key in NOT_FOR_SCHEDULES)
        .map((key) => ({
          property: key,
          reason: `${key} does not apply to ${kind.typeName}: ${NOT_FOR_SCHEDULES[key]}; remove it`,
        }));
      const inputs = Object.fromEntries(Object.entries(all).filter(([key]) => !(key in NOT_FOR_SCHEDULES)));
      const validated = validateInputs(kind.schema, inputs);
      failures.push(...validated.failures);
      const value = validated.value;
      if (failures.length > 0 || !value || validated.hasUnknowns) return { inputs: news, failures };

      const connectionFailure = await checkConnection(inputs, clients.settings);
      if (connectionFailure) return { inputs: news, failures: [connectionFailure] };
      failures.push(...(await checkRemotely(kind.job, value, () => clients.orchestrator(inputs))));
      if (failures.length > 0) return { inputs: news, failures };

      const before = userInputs(olds);
      const creating = Object.keys(before).length === 0;
      const changed = creating ? [] : changedInputs(olds, news);
      const log = (message: string, severity: "info" | "warning") =>
        say(urn, hideParams(message, news), severity);
      // The start time is judged when it is sent: at the create, or when the schedule changes.
      if (creating || changed.includes("schedule")) {
        const check = startTimeCheck(value.schedule, Date.now());
        if (check.failure) failures.push(check.failure);
        if (check.warning) await log(check.warning, "warning");
      }
      // What the schedule's jobs will run on, when that is new: a create or a change of what runs.
      if (failures.length === 0 && (creating || changed.some((key) => kind.runKeys.includes(key)))) {
        const when = whenItRuns(value.schedule);
        const describe = kind.job.describeRun;
        const scheduled = {
          describeRun: describe
            ? async (client: Parameters<typeof describe>[0], job: J) => {
                const run = await describe(client, job);
                return run && { ...run, action: `${run.action} ${when}` };
              }
            : undefined,
        };
        failures.push(
          ...(await previewRun(scheduled, clients.orchestrator(inputs), value, log, (m) =>
            hideParams(m, news),
          )),
        );
      }
      if (failures.length === 0 && creating) {
        for (const warning of kind.job.warnings?.(value) ?? []) await log(warning, "warning");
        if (inputs[ADOPT_SCHEDULE_KEY] === undefined)
          await log("PE cannot delete a scheduled job: `pulumi destroy` disables it", "info");
      }
      return { inputs: news, failures };
    },

    async diff(urn, id, olds, news) {
      settleInFlight(urn, id);
      const changed = changedInputs(olds, news);
      let replaces = changed.filter((key) => REPLACE_KEYS.has(key));
      // PE refuses every edit of a disabled schedule, re-enabling included: a new one replaces it.
      const edits = changed.filter((key) => !LOCAL_KEYS.has(key));
      if (replaces.length === 0 && olds.enabled === false && edits.length > 0) replaces = edits;
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(urn, props) {
      const inputs = userInputs(props);
      const parsed = kind.schema.parse(inputs);
      const sensitive = sensitiveOf(props, parsed.params);
      const client = clients.scheduledJobs(inputs);
      const body = scheduledJobRequest(kind, parsed, sensitive);
      const adopted = inputs[ADOPT_SCHEDULE_KEY];
      let name: string;
      let recovered = false;
      if (typeof adopted === "string") {
        const held = await client.get(adopted).catch((error: unknown) => {
          throw failed(error, props, `reading scheduled job ${adopted} to adopt it failed`);
        });
        name = held.name;
        // made as the program declares it: only what differs is sent
        const keys = recordChanges(held, recordOf(body, name, parsed.enabled ?? true), sensitive.size > 0);
        if (keys.length > 0 && !held.enabled)
          throw new Error(
            `${kind.typeName}: scheduled job ${name} is disabled in PE, which lets no one edit or re-enable it; ` +
              `remove importScheduledJobId to create a new schedule instead`,
          );
        if (keys.length > 0) {
          const full = { ...body, enabled: parsed.enabled ?? true } as Record<UpdatableKey, unknown>;
          const update = Object.fromEntries(keys.map((key) => [key, full[key]]));
          await wrote(client, client.update(name, update)).catch((error: unknown) => {
            throw failed(error, props, `adopting scheduled job ${name} failed`);
          });
          await say(urn, `adopted scheduled job ${name} and set ${keys.join(", ")} as declared`);
        }
      } else {
        const post = async (marked: typeof body) => {
          const created = await wrote(client, client.create(marked)).catch((error: unknown) => {
            throw failed(error, props, "creating the scheduled job failed");
          });
          return created.scheduled_job.name;
        };
        const made = await createOrRecoverSchedule(
          { apiUrl: client.orchestrator.apiUrl, body, urn },
          post,
          () => sharedScheduledJobs(client),
        );
        name = made.name;
        recovered = made.recovered !== undefined;
        if (made.recovered) await say(urn, made.recovered, "warning");
      }
      try {
        // PE creates schedules enabled; `enabled: false` is a second request (one a recovered schedule may have had)
        const taken = recovered ? await client.get(name) : undefined;
        const disable = parsed.enabled === false && typeof adopted !== "string" && taken?.enabled !== false;
        if (disable) await wrote(client, client.update(name, { enabled: false }));
        const item = taken && !disable ? taken : await client.get(name);
        return { id: name, outs: { ...inputs, ...(await outputsOf(client, item)) } };
      } catch (error) {
        // the schedule exists: record it, so that it is not made twice
        throw new JobFailedError(
          hideParams(
            `${kind.typeName}: scheduled job ${name} was created (${client.url(name)}), then: ` +
              `${(error as Error).message}; it is recorded in the stack, and the next \`pulumi up\` puts it as declared`,
            props,
          ),
          name,
          { ...inputs, scheduledJobId: name, url: client.url(name), enabled: true, sensitiveParameters: [] },
        );
      }
    },

    async read(_urn, id, props) {
      const inputs = userInputs(props);
      const client = clients.scheduledJobs(inputs);
      const item = await find(client, id);
      if (!item) return { id: "", props: {} };
      const held = declaredOf(kind, item);
      const stored = heldBy(props);
      // What state says, as PE would show it: a key PE shows alike keeps the program's spelling (a tag list, a
      // start time with an offset), one that differs takes PE's value, which the next `up` puts back.
      let before: Props | undefined;
      try {
        before = declaredOf(
          kind,
          recordOf(scheduledJobRequest(kind, stored.inputs, stored.sensitive), id, true),
        ).inputs;
      } catch {
        before = undefined; // state that makes no request: PE's values throughout
      }
      const merged: Props = { ...inputs };
      for (const [key, value] of Object.entries(held.inputs)) {
        if (key === "enabled") continue;
        if (before && comparable(before[key], key) === comparable(value, key)) continue;
        if (key === "params") {
          // values of sensitive params never come back: those PE still holds keep the stored ones
          const old = (inputs.params ?? {}) as Record<string, unknown>;
          const kept = held.sensitive.filter((name) => name in old).map((name) => [name, old[name]]);
          merged.params = { ...(value as Record<string, unknown>), ...Object.fromEntries(kept) };
        } else if (value === undefined) delete merged[key];
        else merged[key] = value;
      }
      return { id, props: { ...merged, ...(await outputsOf(client, item)) } };
    },

    async adopt(urn, id) {
      const client = clients.scheduledJobs({});
      const item = await client.get(id);
      const held = declaredOf(kind, item);
      const inputs = Object.fromEntries(
        Object.entries(held.inputs).filter(
          ([key, value]) =>
            value !== undefined &&
            value !== null &&
            value !== "" &&
            !(key === "enabled" && value === true) &&
            !(key === "userdata" && canonicalJson(value) === "{}") &&
            !(key === "params" && canonicalJson(value) === "{}" && held.sensitive.length === 0),
        ),
      );
      if (held.sensitive.length > 0)
        await say(
          urn,
          `PE holds params ${held.sensitive.join(", ")} of scheduled job ${id} as sensitive and never returns their ` +
            "values: declare them in the program (as secrets)",
          "warning",
        );
      return { id, props: { ...inputs, ...(await outputsOf(client, item)) }, inputs };
    },

    async update(urn, id, olds, news) {
      settleInFlight(urn, id);
      const inputs = userInputs(news);
      const parsed = kind.schema.parse(inputs);
      const client = clients.scheduledJobs(inputs);
      const update = scheduledJobUpdate(kind, heldBy(olds), {
        inputs: parsed,
        sensitive: sensitiveOf(news, parsed.params),
      });
      if (Object.keys(update).length === 0) {
        const kept = Object.fromEntries(
          Object.entries(olds).filter(([key]) =>
            (SCHEDULED_JOB_OUTPUT_KEYS as readonly string[]).includes(key),
          ),
        );
        return { outs: { ...inputs, ...kept, enabled: olds.enabled } };
      }
      try {
        await wrote(client, client.update(id, update));
      } catch (error) {
        const disabled =
          error instanceof OrchestratorError && error.kind?.endsWith("/disabled-scheduled-job");
        throw failed(
          error,
          news,
          disabled
            ? `scheduled job ${id} was disabled in PE since state was read, and PE refuses its edits; ` +
                "run `pulumi refresh`, then `pulumi up` replaces it"
            : `updating scheduled job ${id} (${Object.keys(update).join(", ")}) failed`,
        );
      }
      await say(urn, `updated scheduled job ${id}: ${Object.keys(update).join(", ")}`);
      const item = await client.get(id);
      return { outs: { ...inputs, ...(await outputsOf(client, item)) } };
    },

    async delete(urn, id, props) {
      settleInFlight(urn, id);
      const client = clients.scheduledJobs(userInputs(props));
      try {
        await wrote(client, client.update(id, { enabled: false }));
      } catch (error) {
        // already disabled, or gone: what destroy wants
        const done =
          error instanceof OrchestratorError &&
          (error.status === 404 || error.kind?.endsWith("/disabled-scheduled-job") === true);
        if (!done) throw failed(error, props, `disabling scheduled job ${id} failed`);
      }
      await say(urn, `disabled scheduled job ${id} (PE cannot delete a scheduled job)`);
    },
  };
}
