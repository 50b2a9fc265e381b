import * as assert from "node:assert/strict";
import type { Emulator } from "../../../emulator";
import { call, quietEmulator } from "../helpers";
import {
  deployBody,
  edit,
  fromNow,
  getScheduled,
  HOUR,
  planBody,
  SCHEDULED,
  schedule,
  scheduled,
  taskBody,
} from "./scheduled-job-bodies";

const ORCH = "puppetlabs.orchestrator";

// The item keys PE's GET /scheduled_jobs/environment_jobs/<job-id> page lists.
const ITEM_KEYS = [
  "id",
  "name",
  "enabled",
  "environment",
  "owner",
  "description",
  "type",
  "input",
  "userdata",
  "schedule",
  "next_run",
  "last_run",
];

describe("emulator scheduled jobs: endpoints", () => {
  let emu: Emulator;
  before(async () => {
    emu = await quietEmulator();
  });
  after(() => emu.stop());

  const total = async () => (await call(emu, "GET", SCHEDULED)).body.pagination.total as number;

  it("POST answers 200 {scheduled_job: {id, name}}; GET shows the documented item, input as posted", async () => {
    const body = deployBody();
    const r = await schedule(emu, body);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ["scheduled_job"]);
    const { id, name } = r.body.scheduled_job;
    assert.match(name, /^\d+$/);
    assert.equal(id, `${emu.apiUrl}${SCHEDULED}/${name}`);
    const item = await getScheduled(emu, name);
    assert.deepEqual(Object.keys(item), ITEM_KEYS);
    assert.equal(item.id, id);
    assert.equal(item.name, name);
    assert.equal(item.enabled, true);
    assert.equal(item.environment, "production");
    assert.equal(item.owner.login, "admin");
    for (const key of ["email", "display_name", "id", "is_revoked", "is_superuser", "role_ids", "group_ids"])
      assert.ok(key in item.owner, key);
    assert.equal(item.type, "deploy");
    assert.deepEqual(item.input, body.input);
    assert.equal(item.description, body.description);
    assert.deepEqual(item.userdata, body.userdata);
    assert.deepEqual(item.schedule, body.schedule);
    assert.deepEqual(item.next_run, { time: (body.schedule as { start_time: string }).start_time });
    assert.equal(item.last_run, null);
  });

  it("sensitive parameters are kept but never shown: GET has plain values and the sensitive names", async () => {
    const task = await scheduled(emu, taskBody());
    const item = await getScheduled(emu, task);
    assert.deepEqual(item.input, {
      name: "package",
      scope: { nodes: ["node1.example.com"] },
      parameters: { action: "status" },
      sensitive_parameters: ["name"],
    });
    const plan = await scheduled(
      emu,
      planBody({
        input: {
          name: "package::install",
          parameters: {
            targets: { value: ["node1.example.com"] },
            name: { value: "hidden-value-1", sensitive: true },
          },
        },
      }),
    );
    assert.deepEqual((await getScheduled(emu, plan)).input, {
      name: "package::install",
      parameters: { targets: ["node1.example.com"] },
      sensitive_parameters: ["name"],
    });
    const list = await call(emu, "GET", `${SCHEDULED}?limit=1000`);
    const one = await call(emu, "GET", `${SCHEDULED}/${task}`);
    for (const text of [list.text, one.text]) {
      assert.ok(!text.includes("secret-httpd"));
      assert.ok(!text.includes("hidden-value-1"));
    }
  });

  it("PUT replaces each key given, whole, and leaves the others; the answer is {scheduled_job: {id, name}}", async () => {
    const name = await scheduled(emu, taskBody());
    const before = await getScheduled(emu, name);
    const start = fromNow(2 * HOUR);
    const r = await edit(emu, name, {
      description: "edited",
      input: {
        name: "package",
        parameters: { action: { value: "install" }, name: { value: "httpd" } },
        scope: { nodes: ["node2.example.com"] },
        noop: true,
      },
      schedule: { start_time: start, interval: null },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { scheduled_job: { id: before.id, name } });
    const after = await getScheduled(emu, name);
    assert.equal(after.description, "edited");
    // the whole input is replaced: name is no longer sensitive, noop is new
    assert.deepEqual(after.input, {
      name: "package",
      scope: { nodes: ["node2.example.com"] },
      noop: true,
      parameters: { action: "install", name: "httpd" },
      sensitive_parameters: [],
    });
    assert.deepEqual(after.schedule, { start_time: start, interval: null });
    assert.deepEqual(after.next_run, { time: start });
    assert.deepEqual(after.userdata, before.userdata);
    assert.equal(after.environment, before.environment);
    assert.deepEqual(after.owner, before.owner);
    // an empty body changes nothing
    assert.equal((await edit(emu, name, {})).status, 200);
    assert.deepEqual(await getScheduled(emu, name), after);
  });

  it('{"enabled": false} disables (next_run null); a disabled job refuses every PUT, even enabling it', async () => {
    const name = await scheduled(emu, deployBody());
    assert.equal((await edit(emu, name, { enabled: false })).status, 200);
    const item = await getScheduled(emu, name);
    assert.equal(item.enabled, false);
    assert.equal(item.next_run, null);
    for (const body of [{ enabled: true }, { enabled: false }, { description: "x" }, {}]) {
      const r = await edit(emu, name, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.kind, `${ORCH}/disabled-scheduled-job`);
    }
    assert.deepEqual(await getScheduled(emu, name), item);
  });

  it("a recurring job may start in the past: its next run is the first start + k * interval not in the past", async () => {
    const start = new Date(Math.floor((Date.now() - 90 * 60_000) / 1000) * 1000);
    const name = await scheduled(
      emu,
      deployBody({
        schedule: { start_time: start.toISOString(), interval: { units: "seconds", value: 3600 } },
      }),
    );
    assert.deepEqual((await getScheduled(emu, name)).next_run, {
      time: new Date(start.getTime() + 2 * HOUR).toISOString().replace(".000Z", "Z"),
    });
  });

  describe("errors", () => {
    const refused = async (
      body: unknown,
      status: number,
      kind: string,
      msg: RegExp,
      token?: string,
    ): Promise<void> => {
      const count = await total();
      const r = await schedule(emu, body, token);
      assert.equal(r.status, status, r.text);
      assert.equal(r.body.kind, kind);
      assert.match(r.body.msg, msg);
      assert.equal(await total(), count, "nothing saved");
    };
    const V = `${ORCH}/validation-error`;

    it("400 validation-error names the bad key", async () => {
      const { schedule: _s, ...noSchedule } = deployBody();
      await refused(noSchedule, 400, V, /schedule/);
      const { description: _d, ...noDescription } = deployBody();
      await refused(noDescription, 400, V, /description/);
      await refused(deployBody({ type: "apply" }), 400, V, /type/);
      await refused(deployBody({ enabled: false }), 400, V, /enabled/);
      await refused(deployBody({ input: { noop: "yes" } }), 400, V, /input\.noop/);
      await refused(deployBody({ input: { colour: "red" } }), 400, V, /input.*colour/);
      await refused(taskBody({ input: { name: "package", parameters: {} } }), 400, V, /input\.scope/);
      await refused(
        taskBody({
          input: {
            name: "package",
            parameters: { action: "status" },
            scope: { nodes: ["node1.example.com"] },
          },
        }),
        400,
        V,
        /input\.parameters\.action/,
      );
      await refused(
        deployBody({ schedule: { start_time: fromNow(HOUR), interval: { units: "minutes", value: 1 } } }),
        400,
        V,
        /schedule\.interval/,
      );
      await refused(deployBody({ schedule: { start_time: fromNow(HOUR) } }), 400, V, /schedule\.interval/);
      await refused(
        deployBody({ schedule: { start_time: "tomorrow", interval: null } }),
        400,
        V,
        /start_time/,
      );
      await refused([], 400, V, /JSON object/);
      // the command's own checks apply too: parameters against the task's metadata
      await refused(
        taskBody({
          input: {
            name: "package",
            parameters: { action: { value: "explode" } },
            scope: { nodes: ["node1.example.com"] },
          },
        }),
        400,
        V,
        /action/,
      );
    });

    it("400 invalid-time for a run-once start in the past", async () => {
      await refused(
        deployBody({ schedule: { start_time: fromNow(-60_000), interval: null } }),
        400,
        `${ORCH}/invalid-time`,
        /past/,
      );
      const name = await scheduled(emu, deployBody());
      const r = await edit(emu, name, { schedule: { start_time: fromNow(-60_000), interval: null } });
      assert.equal(r.status, 400);
      assert.equal(r.body.kind, `${ORCH}/invalid-time`);
    });

    it("404 unknown-environment", async () => {
      await refused(deployBody({ environment: "nowhere" }), 404, `${ORCH}/unknown-environment`, /nowhere/);
      await refused(planBody({ environment: "nowhere" }), 404, `${ORCH}/unknown-environment`, /nowhere/);
      const name = await scheduled(emu, deployBody());
      const r = await edit(emu, name, { environment: "nowhere" });
      assert.equal(r.status, 404);
      assert.equal(r.body.kind, `${ORCH}/unknown-environment`);
      assert.equal((await getScheduled(emu, name)).environment, "production");
    });

    it("404 unknown-job for an unknown id, 400 validation-error for one that is not a number", async () => {
      for (const method of ["GET", "PUT"]) {
        const r = await call(emu, method, `${SCHEDULED}/99999`, { body: method === "PUT" ? {} : undefined });
        assert.equal(r.status, 404);
        assert.equal(r.body.kind, `${ORCH}/unknown-job`);
        const bad = await call(emu, method, `${SCHEDULED}/abc`, { body: method === "PUT" ? {} : undefined });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.kind, V);
      }
    });

    it("PUT: type cannot change, and the input is checked against the job's type", async () => {
      const name = await scheduled(emu, deployBody());
      for (const body of [{ type: "task" }, { input: { name: "package" } }, { schedule: null }]) {
        const r = await edit(emu, name, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.kind, V);
      }
    });

    it("401 without a token or with a bad one", async () => {
      for (const token of [null, "no-such-token"]) {
        const post = await schedule(emu, deployBody(), token as string);
        assert.equal(post.status, 401);
        assert.match(post.body.kind, /^puppetlabs\.rbac\//);
        assert.equal((await call(emu, "GET", SCHEDULED, { token })).status, 401);
        assert.equal((await call(emu, "PUT", `${SCHEDULED}/1`, { token, body: {} })).status, 401);
      }
    });

    it("403 not-permitted: the caller must be allowed to run that task, plan or Puppet on those nodes", async () => {
      const N = `${ORCH}/not-permitted`;
      await refused(deployBody(), 403, N, /viewer/, "viewer-token");
      await refused(deployBody({ environment: "development" }), 403, N, /development/, "alice-token");
      await refused(
        taskBody({
          input: {
            name: "package",
            parameters: { action: { value: "status" }, name: { value: "x" } },
            scope: { nodes: ["node3.example.com"] },
          },
        }),
        403,
        N,
        /node3/,
        "alice-token",
      );
      await refused(
        taskBody({
          input: {
            name: "demo::echo",
            parameters: { message: { value: "hi" } },
            scope: { nodes: ["node1.example.com"] },
          },
        }),
        403,
        N,
        /demo::echo/,
        "alice-token",
      );
      await refused(
        planBody({ input: { name: "demo::slow", parameters: {} } }),
        403,
        N,
        /demo::slow/,
        "alice-token",
      );
      await refused(
        planBody({ input: { name: "facts::info", parameters: { targets: { value: "node4.example.com" } } } }),
        403,
        N,
        /node4/,
        "alice-token",
      );
      // what alice may run, she may schedule; she may edit her own, not others'
      const mine = await scheduled(emu, taskBody(), "alice-token");
      assert.equal((await getScheduled(emu, mine)).owner.login, "alice");
      const moved = await edit(
        emu,
        mine,
        {
          input: {
            name: "package",
            parameters: { action: { value: "status" }, name: { value: "httpd" } },
            scope: { nodes: ["node5.example.com"] },
          },
        },
        "alice-token",
      );
      assert.equal(moved.status, 403);
      assert.equal(moved.body.kind, N);
      const admins = await scheduled(emu, deployBody());
      const other = await edit(emu, admins, { enabled: false }, "alice-token");
      assert.equal(other.status, 403);
      assert.equal(other.body.kind, N);
      assert.equal((await edit(emu, mine, { description: "alice's" }, "alice-token")).status, 200);
      // any valid token may read
      assert.equal((await call(emu, "GET", `${SCHEDULED}/${mine}`, { token: "viewer-token" })).status, 200);
    });
  });
});

describe("emulator scheduled jobs: paging", () => {
  let emu: Emulator;
  const names: Record<string, string> = {};
  before(async () => {
    emu = await quietEmulator();
    // created out of next-run order; one owned by alice, one disabled
    names.late = await scheduled(
      emu,
      deployBody({ schedule: { start_time: fromNow(3 * HOUR), interval: null } }),
    );
    names.early = await scheduled(
      emu,
      taskBody({ schedule: { start_time: fromNow(HOUR), interval: null } }),
      "alice-token",
    );
    names.middle = await scheduled(
      emu,
      planBody({ environment: "development", schedule: { start_time: fromNow(2 * HOUR), interval: null } }),
    );
    names.off = await scheduled(emu, deployBody({ environment: "test-env-1" }));
    await edit(emu, names.off, { enabled: false });
  });
  after(() => emu.stop());

  const list = async (query = "") => (await call(emu, "GET", `${SCHEDULED}${query}`)).body;
  const order = async (query: string) => (await list(query)).items.map((i: { name: string }) => i.name);

  it("lists {items, pagination: {offset, order, order_by, total}}, by next_run_time asc by default", async () => {
    const body = await list();
    assert.deepEqual(Object.keys(body), ["items", "pagination"]);
    assert.deepEqual(body.pagination, { offset: 0, order: "asc", order_by: "next_run_time", total: 4 });
    // jobs that will not run again (next_run null) come last
    assert.deepEqual(
      body.items.map((i: { name: string }) => i.name),
      [names.early, names.middle, names.late, names.off],
    );
    assert.deepEqual(await order("?order=desc"), [names.off, names.late, names.middle, names.early]);
  });

  it("order_by name, environment, owner, type; limit and offset; total ignores them", async () => {
    assert.deepEqual(await order("?order_by=name"), [names.late, names.early, names.middle, names.off]);
    assert.deepEqual(await order("?order_by=name&order=desc"), [
      names.off,
      names.middle,
      names.early,
      names.late,
    ]);
    assert.deepEqual(await order("?order_by=environment"), [
      names.middle,
      names.late,
      names.early,
      names.off,
    ]);
    assert.deepEqual(await order("?order_by=owner"), [names.late, names.middle, names.off, names.early]);
    assert.deepEqual(await order("?order_by=type"), [names.late, names.off, names.middle, names.early]);
    const page = await list("?order_by=name&limit=2&offset=1");
    assert.deepEqual(
      page.items.map((i: { name: string }) => i.name),
      [names.early, names.middle],
    );
    assert.deepEqual(page.pagination, { limit: 2, offset: 1, order: "asc", order_by: "name", total: 4 });
    assert.deepEqual((await list("?offset=10")).items, []);
  });

  it("type filters (and total counts what it keeps)", async () => {
    const deploys = await list("?type=deploy&order_by=name");
    assert.deepEqual(
      deploys.items.map((i: { name: string }) => i.name),
      [names.late, names.off],
    );
    assert.equal(deploys.pagination.total, 2);
    assert.deepEqual(await order("?type=plan"), [names.middle]);
    assert.deepEqual(await order("?type=task"), [names.early]);
  });

  it("bad paging parameters are 400 validation-error naming them", async () => {
    for (const [query, key] of [
      ["?order_by=timestamp", "order_by"],
      ["?order=up", "order"],
      ["?limit=0", "limit"],
      ["?offset=-1", "offset"],
      ["?type=plan_task", "type"],
    ]) {
      const r = await call(emu, "GET", `${SCHEDULED}${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.body.kind, `${ORCH}/validation-error`);
      assert.match(r.body.msg, new RegExp(key));
    }
  });
});
