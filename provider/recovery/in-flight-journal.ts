import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";

/**
 * One create in progress: written before the command is sent, completed with the job's id once known, removed
 * when the job is recorded in state. An entry found by the next create means the previous one was interrupted
 * (a crash, a kill): that create adopts the job instead of starting a second one.
 */
const entrySchema = z.object({
  urn: z.string(),
  /** The orchestrator the job was sent to: a job id means nothing on another one. */
  apiUrl: z.string(),
  /** Hash of the inputs that decide what runs: a different job if they changed since. */
  inputsHash: z.string(),
  /** Unique per attempt; sent in the job's userdata so the job can be found even before its id is known. */
  attempt: z.string(),
  jobId: z.string().optional(),
  startedAt: z.string(),
});
export type InFlightEntry = z.infer<typeof entrySchema>;

/** Where entries live: outside any project, per user; `PE_ORCHESTRATOR_JOURNAL_DIR` overrides it. */
export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.PE_ORCHESTRATOR_JOURNAL_DIR ??
    path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-pe-orchestrator", "in-flight")
  );
}

function entryFile(urn: string, dir: string): string {
  return path.join(dir, `${createHash("sha256").update(urn).digest("hex").slice(0, 32)}.json`);
}

export function readInFlight(urn: string, dir = journalDir()): InFlightEntry | undefined {
  let text: string;
  try {
    text = fs.readFileSync(entryFile(urn, dir), "utf8");
  } catch {
    return undefined;
  }
  const parsed = entrySchema.safeParse(JSON.parse(text));
  return parsed.success && parsed.data.urn === urn ? parsed.data : undefined;
}

/** The entry of an interrupted create of this resource that sent the same inputs to the same server: one to take over. */
export function interruptedCreate(
  urn: string,
  apiUrl: string,
  inputsHash: string,
): InFlightEntry | undefined {
  const entry = readInFlight(urn);
  return entry && entry.apiUrl === apiUrl && entry.inputsHash === inputsHash ? entry : undefined;
}

/** Writes atomically (rename), so a crash never leaves half an entry. */
/** Folders made by this process (not made again: a create writes its entry twice, a stack may hold hundreds). */
const madeDirs = new Set<string>();

export function writeInFlight(entry: InFlightEntry, dir = journalDir()): void {
  const file = entryFile(entry.urn, dir);
  const temp = `${file}.${process.pid}.tmp`;
  const write = () => fs.writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
  if (!madeDirs.has(dir)) makeDir(dir);
  try {
    write();
  } catch (error) {
    // the folder went away since (removed by hand): make it again
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    makeDir(dir);
    write();
  }
  fs.renameSync(temp, file);
}

function makeDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  madeDirs.add(dir);
}

export function removeInFlight(urn: string, dir = journalDir()): void {
  fs.rmSync(entryFile(urn, dir), { force: true });
}

/**
 * The engine calls diff, update or delete only for a resource it has in state: if the journal still names this
 * job, the create that started it was recorded, and the entry can go. Until then a crash that lost the create's
 * answer (the engine died, the provider finished the wait) is recovered by the next create.
 */
export function settleInFlight(urn: string | undefined, id: string): void {
  if (urn !== undefined && readInFlight(urn)?.jobId === id) removeInFlight(urn);
}
