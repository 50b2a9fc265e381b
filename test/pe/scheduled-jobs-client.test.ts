import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { OrchestratorError, RequestValidationError, ScheduledJobsClient } from "../../provider/pe";
import { clientFor, startTestEmulator } from "../support/emulator";

const later = () => new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000).toISOString();

const deploy = (over: Record<string, unknown> = {}) => ({
  type: "deploy" as const,
  input: { scope: { nodes: ["node1.example.com"] }, noop: true },
  environment: "production",
  schedule: { start_time: later(), interval: null },
  description: "",
  userdata: {},
  ...over,
});

async function rejection(promise: Promise<unknown>): Promise<OrchestratorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OrchestratorError, String(error));
    return error;
  }
  assert.fail("expected a rejection");
}

describe("ScheduledJobsClient against the emulator (HTTPS)", () => {
  let emu: Emulator;
  let client: ScheduledJobsClient;
  before(async () => {
    emu = await startTestEmulator({ timeScale: 100 });
    client = new ScheduledJobsClient(clientFor(emu));
  });
  after(async () => {
    client?.orchestrator.close();
    await emu?.stop();
  });

  it("creates, reads, updates and lists every page, following the total", async () => {
    const names: string[] = [];
    for (let i = 0; i < 5; i++)
      names.push((await client.create(deploy({ description: `d${i}` }))).scheduled_job.name);
    const item = await client.get(names[0]);
    assert.equal(item.type, "deploy");
    assert.equal(item.enabled, true);
    await client.update(names[0], { description: "changed" });
    assert.equal((await client.get(names[0])).description, "changed");
    const before = emu.requests.length;
    const all = await client.listAll({ pageSize: 2 });
    assert.deepEqual(
      all.map((s) => s.name),
      [...names].sort((a, b) => a.localeCompare(b)),
    );
    assert.equal(emu.requests.length - before, 3, "pages of 2, 2 and 1");
    assert.equal(client.url(names[0]), `${emu.apiUrl}/scheduled_jobs/environment_jobs/${names[0]}`);
  });

  it("PE's errors: a past run-once start, a disabled job's edit, an unknown id; bad bodies are caught before sending", async () => {
    const past = await rejection(
      client.create(deploy({ schedule: { start_time: "2020-01-01T00:00:00Z", interval: null } })),
    );
    assert.equal(past.status, 400);
    assert.equal(past.kind, "puppetlabs.orchestrator/invalid-time");
    assert.match(past.message, /in the past and the schedule has no interval/);
    const { name } = (await client.create(deploy())).scheduled_job;
    await client.update(name, { enabled: false });
    const disabled = await rejection(client.update(name, { enabled: true }));
    assert.equal(disabled.kind, "puppetlabs.orchestrator/disabled-scheduled-job");
    assert.match(disabled.message, /create a new one/);
    const unknown = await rejection(client.get("99999"));
    assert.equal(unknown.status, 404);
    assert.throws(() => client.get("7; DROP"), RequestValidationError);
    assert.throws(() => client.create({ ...deploy(), extra: 1 } as never), RequestValidationError);
  });
});
