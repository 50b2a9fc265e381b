import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultWorld, type WorldInput } from "../../../emulator";
import { call, quietEmulator, waitFor } from "../helpers";
import {
  deployBody,
  edit,
  fromNow,
  getScheduled,
  SCHEDULED,
  scheduled,
  taskBody,
} from "./scheduled-job-bodies";

const stateDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `emu-sched-${name}-`));
/** The default world with one more environment, `staging`. */
const withStaging: WorldInput = {
  ...defaultWorld,
  environments: [...defaultWorld.environments, { name: "staging" }],
};
/** Strips what follows the port: URLs change with it across restarts. */
const withoutUrls = (item: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(item).replace(/https:\/\/[^/"]+/g, ""));

describe("emulator scheduled jobs: restart", () => {
  it("scheduled jobs, their last runs and the id counter survive a restart, and they run on", async () => {
    const dir = stateDir("restart");
    const first = await quietEmulator({ stateDir: dir, timeScale: 100 });
    const later = await scheduled(first, deployBody());
    const off = await scheduled(first, taskBody());
    await edit(first, off, { enabled: false });
    const ran = await scheduled(
      first,
      taskBody({ schedule: { start_time: fromNow(100, true), interval: null } }),
    );
    await waitFor(
      () => getScheduled(first, ran),
      (i) => i.last_run !== null,
    );
    const before = (await call(first, "GET", `${SCHEDULED}?order_by=name`)).body;
    await first.stop();

    const second = await quietEmulator({ stateDir: dir, timeScale: 100 });
    try {
      const after = (await call(second, "GET", `${SCHEDULED}?order_by=name`)).body;
      assert.deepEqual(withoutUrls(after), withoutUrls(before));
      assert.equal(after.items[1].enabled, false);
      assert.equal(
        (await edit(second, off, { enabled: true })).body.kind,
        "puppetlabs.orchestrator/disabled-scheduled-job",
      );
      const next = await scheduled(second, deployBody());
      assert.equal(Number(next), Number(ran) + 1);
      // run again after the restart, with the kept parameters (the sensitive one still hidden)
      const lastJob = after.items[2].last_run.job.name;
      const again = { schedule: { start_time: fromNow(100, true), interval: null } };
      assert.equal((await edit(second, ran, again)).status, 200);
      const item = await waitFor(
        () => getScheduled(second, ran),
        (i) => i.last_run.job.name !== lastJob,
      );
      const job = (await call(second, "GET", `/jobs/${item.last_run.job.name}`)).body;
      assert.equal(job.options["scheduled-job-id"], ran);
      assert.deepEqual(job.options.params, { action: "status" });
      assert.deepEqual(job.options.sensitive, ["name"]);
      assert.equal((await getScheduled(second, later)).last_run, null);
    } finally {
      await second.stop();
    }
  });

  it("a run due while the emulator was down runs once when it is back; a refused start is a submission_error", async () => {
    const dir = stateDir("missed");
    const first = await quietEmulator({ stateDir: dir, world: withStaging });
    const missed = await scheduled(
      first,
      deployBody({ schedule: { start_time: fromNow(1500, true), interval: null } }),
    );
    const gone = await scheduled(
      first,
      deployBody({ environment: "staging", schedule: { start_time: fromNow(1500, true), interval: null } }),
    );
    await first.stop();
    await new Promise((r) => setTimeout(r, 1700));

    // staging is not in the default world: the start is refused, as PE refuses a job for a deleted environment
    const second = await quietEmulator({ stateDir: dir });
    try {
      const ranLate = await getScheduled(second, missed);
      assert.equal(ranLate.next_run, null);
      assert.match(ranLate.last_run.job.name, /^\d+$/);
      assert.equal(
        (await call(second, "GET", `/jobs/${ranLate.last_run.job.name}`)).body.options["scheduled-job-id"],
        missed,
      );
      const refused = await getScheduled(second, gone);
      assert.equal(refused.next_run, null);
      assert.deepEqual(Object.keys(refused.last_run), ["time", "job"]);
      assert.deepEqual(refused.last_run.job.submission_error, {
        kind: "puppetlabs.orchestrator/unknown-environment",
        msg: "Unknown environment staging",
        details: { environment: "staging" },
      });
      assert.equal((await call(second, "GET", "/jobs")).body.pagination.total, 1);
    } finally {
      await second.stop();
    }
  });

  it("a recurring schedule does not keep the process alive once the emulator stops", async () => {
    // plain HTTP: the child needs no CA; the schedule's next run is a minute away, its timer armed
    const script = `
      const { startEmulator } = require("./emulator");
      (async () => {
        const emu = await startEmulator({ quiet: true, http: true, timeScale: 1000 });
        const body = ${JSON.stringify(
          JSON.stringify(
            deployBody({ schedule: { start_time: "START", interval: { units: "seconds", value: 3600 } } }),
          ),
        )}.replace("START", new Date(Date.now() + 60000).toISOString());
        const res = await fetch(emu.apiUrl + "${SCHEDULED}", {
          method: "POST", body, headers: { "X-Authentication": emu.adminToken, "Content-Type": "application/json" },
        });
        await emu.stop();
        process.stdout.write(res.status + " stopped\\n");
      })();
    `;
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: path.resolve(__dirname, "..", "..", ".."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the process did not exit by itself; stdout: ${out}`));
      }, 20_000);
      child.once("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0);
    assert.equal(out, "200 stopped\n");
  });
});
