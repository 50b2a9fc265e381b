import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { ScheduledJobsClient } from "../../provider/pe";
import { adminClient, emulatorStack } from "../support/emulator-stack";
import { forEachFace, programFor, stackOptionsFor, typePattern } from "../support/faces";
import type { TestStack } from "../support/test-stack";

// A schedule is the one lasting object: one stack walks it through its life, each step a `pulumi` command.
const program = `
import * as pulumi from "@pulumi/pulumi";
import { ScheduledDeploy, ScheduledTask } from "pulumi-pe-orchestrator";

const config = new pulumi.Config("demo");
const nightly = new ScheduledTask("nightly", {
  task: "package",
  params: { action: "status", name: config.requireSecret("package") },
  nodes: ["node1.example.com"],
  schedule: { startTime: config.require("start"), intervalSeconds: Number(config.get("interval") ?? "86400") },
  description: config.get("description") ?? "nightly check",
});
export const id = nightly.scheduledJobId;
export const url = nightly.url;
export const enabled = nightly.enabled;
export const nextRun = nightly.nextRun;
export const owner = nightly.owner;

const importId = config.get("importId");
if (importId)
  new ScheduledDeploy("adopted", {
    environment: "production",
    nodes: ["node1.example.com"],
    noop: true,
    schedule: { startTime: config.require("start") },
    description: "adopted by the stack",
    importScheduledJobId: importId,
  });
`;

const SCHEDULED = "/orchestrator/v1/scheduled_jobs/environment_jobs";
const SECRET = "pkg-s3cret-value";

forEachFace((face) =>
  describe(`scheduled jobs: create, no-change, update, drift, import, destroy (${face})`, function () {
    this.timeout(10 * 60 * 1000);
    let emu: Emulator;
    let stack: TestStack;
    let pe: ScheduledJobsClient;
    let first = "";
    const start = new Date(Math.ceil((Date.now() + 6 * 3_600_000) / 1000) * 1000).toISOString();
    /** The requests that could change a schedule (anything but a GET) since `from`. */
    const writes = (from: number) =>
      emu.requests
        .slice(from)
        .filter((r) => r.method !== "GET" && r.path.startsWith(SCHEDULED))
        .map((r) => `${r.method} ${r.path}`);

    before(async () => {
      ({ emu, stack } = await emulatorStack({
        project: "scheduled",
        files: { "index.ts": programFor(face, program) },
        ...stackOptionsFor(face),
      }));
      pe = new ScheduledJobsClient(adminClient(emu));
      await stack.setConfig("demo:start", start);
      await stack.setConfig("demo:package", SECRET, { secret: true });
    });

    after(async () => {
      pe?.orchestrator.close();
      await stack?.remove();
      await emu?.stop();
    });

    it("up creates it, its secret param stored sensitive in PE and encrypted in state; preview says destroy disables", async () => {
      const preview = await stack.preview();
      assert.equal(preview.code, 0, preview.stdout + preview.stderr);
      assert.match(preview.stdout, /will run task package in production every 86400 s from .* on 1 node/);
      assert.match(preview.stdout, /PE cannot delete a scheduled job: `pulumi destroy` disables it/);
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, new RegExp(`${typePattern(face, "ScheduledTask")}\\s+nightly\\s+created`));
      const outputs = await stack.outputs();
      first = String(outputs.id);
      assert.equal(outputs.url, `${emu.apiUrl}/scheduled_jobs/environment_jobs/${first}`);
      assert.equal(outputs.enabled, true);
      assert.equal(outputs.owner, "admin");
      assert.equal(Date.parse(String(outputs.nextRun)), Date.parse(start));
      const item = await pe.get(first);
      assert.deepEqual(item.input?.parameters, { action: "status" });
      assert.deepEqual(item.input?.sensitive_parameters, ["name"]);
      assert.equal(JSON.stringify(await stack.exportState()).includes(SECRET), false, "no secret in state");
      assert.equal(
        up.stdout.includes(SECRET) || up.stderr.includes(SECRET),
        false,
        "no secret in the output",
      );
    });

    it("up again changes nothing and sends nothing that changes anything", async () => {
      const from = emu.requests.length;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.doesNotMatch(up.stdout, /updated|replaced|created/);
      assert.deepEqual(writes(from), []);
    });

    it("a new description and interval update it in place: one PUT", async () => {
      await stack.setConfig("demo:description", "checked every week");
      await stack.setConfig("demo:interval", "604800");
      const from = emu.requests.length;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /nightly\s+updated/);
      assert.deepEqual(writes(from), [`PUT ${SCHEDULED}/${first}`]);
      const item = await pe.get(first);
      assert.equal(item.description, "checked every week");
      assert.deepEqual(item.schedule.interval, { units: "seconds", value: 604800 });
      assert.deepEqual(item.input?.sensitive_parameters, ["name"]);
    });

    it("disabled in the console: refresh shows it, up replaces it (PE refuses to re-enable it)", async () => {
      await pe.update(first, { enabled: false });
      const refresh = await stack.refresh();
      assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
      assert.match(refresh.stdout, /nightly\s+updated/);
      // stack outputs are the program's, from the last up: the refreshed state is the resource's
      const state = await stack.exportState();
      const resource = state.deployment.resources?.find((r) => r.urn.endsWith("::nightly"));
      assert.equal(resource?.outputs?.enabled, false);
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /nightly\s+replaced/);
      const outputs = await stack.outputs();
      assert.notEqual(outputs.id, first);
      assert.equal(outputs.enabled, true);
      assert.equal((await pe.get(first)).enabled, false);
      const replacement = await pe.get(String(outputs.id));
      assert.equal(replacement.description, "checked every week");
      assert.deepEqual(replacement.input?.sensitive_parameters, ["name"]);
    });

    it("a schedule made outside is adopted (importScheduledJobId) and set as declared; destroy disables both", async () => {
      const made = await pe.create({
        type: "deploy",
        input: { scope: { nodes: ["node1.example.com"] }, noop: true },
        environment: "production",
        schedule: { start_time: start, interval: null },
        description: "made in the console",
        userdata: {},
      });
      const adopted = made.scheduled_job.name;
      await stack.setConfig("demo:importId", adopted);
      const from = emu.requests.length;
      const up = await stack.up();
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, new RegExp(`${typePattern(face, "ScheduledDeploy")}\\s+adopted\\s+created`));
      assert.deepEqual(writes(from), [`PUT ${SCHEDULED}/${adopted}`]);
      assert.equal((await pe.get(adopted)).description, "adopted by the stack");

      const current = String((await stack.outputs()).id);
      const destroy = await stack.destroy();
      assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
      assert.equal((await pe.get(current)).enabled, false);
      assert.equal((await pe.get(adopted)).enabled, false);
    });

    if (face === "plugin")
      it("pulumi import pe:index:ScheduledTask adopts a schedule made outside and records the inputs it has", async () => {
        const made = await pe.create({
          type: "task",
          input: {
            name: "package",
            parameters: { action: { value: "status" }, name: { value: "httpd" } },
            scope: { nodes: ["node1.example.com"] },
          },
          environment: "production",
          schedule: { start_time: start, interval: { units: "seconds", value: 3600 } },
          description: "hourly, from the console",
          userdata: {},
        });
        const id = made.scheduled_job.name;
        const from = emu.requests.length;
        const imported = await stack.pulumi([
          "import",
          "pe:index:ScheduledTask",
          "console",
          id,
          "--yes",
          "--protect=false",
          "--generate-code=false",
        ]);
        assert.equal(imported.code, 0, imported.stdout + imported.stderr);
        assert.match(imported.stdout, /1 imported/);
        const state = await stack.exportState();
        const console = state.deployment.resources?.find((r) => r.urn.endsWith("::console"));
        assert.equal(console?.id, id);
        // the inputs a program would declare, read back from PE (a Node.js program's code is not generated)
        assert.deepEqual(console?.inputs?.schedule, { startTime: start, intervalSeconds: 3600 });
        assert.equal(console?.inputs?.description, "hourly, from the console");
        assert.deepEqual(console?.inputs?.params, { action: "status", name: "httpd" });
        assert.equal(console?.outputs?.enabled, true);
        assert.deepEqual(writes(from), [], "import changes nothing in PE");
      });
  }),
);
