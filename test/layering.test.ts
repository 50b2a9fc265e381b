import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";

// The layering rule of docs/design.md is an ESLint rule (eslint.config.mjs); these cases show it refuses what it
// must and lets through what it may, so a config edit cannot switch it off unnoticed.
describe("the layering rule (lint)", function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: path.join(__dirname, "..") });
  const refused = async (file: string, source: string): Promise<string[]> => {
    const [result] = await eslint.lintText(`${source}\nexport const x = 1;\n`, { filePath: file });
    return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
  };

  it("keeps @pulumi/pulumi and the faces out of the core", async () => {
    assert.equal(
      (await refused("provider/jobs/x.ts", 'import * as pulumi from "@pulumi/pulumi";')).length,
      1,
    );
    assert.equal((await refused("provider/wait/x.ts", 'import "@pulumi/pulumi/provider";')).length, 1);
    assert.equal(
      (await refused("provider/preview/x.ts", 'import { providers } from "../dynamic";')).length,
      1,
    );
    assert.equal((await refused("provider/recovery/x.ts", 'import "../plugin/main";')).length, 1);
    assert.equal(
      (await refused("provider/jobs/x.ts", 'import { logToEngine } from "../engine/engine-log";')).length,
      1,
    );
  });

  it("keeps pe/ at the bottom and wait/ on pe/ alone", async () => {
    assert.equal((await refused("provider/pe/x.ts", 'import "../wait";')).length, 1);
    assert.equal((await refused("provider/pe/http/x.ts", 'import "../../resource/host";')).length, 1);
    assert.equal((await refused("provider/wait/x.ts", 'import "../resource/host";')).length, 1);
    assert.deepEqual(await refused("provider/wait/x.ts", 'import "../pe";'), []);
  });

  it("keeps each resource family from the others, and the layers below from every family", async () => {
    assert.equal((await refused("provider/code-deploys/x.ts", 'import "../jobs/job-operations";')).length, 1);
    assert.equal(
      (await refused("provider/schedules/x.ts", 'import "../code-deploys/deploy-and-wait";')).length,
      1,
    );
    assert.equal((await refused("provider/jobs/x.ts", 'import "../schedules/schedule-resource";')).length, 1);
    assert.equal((await refused("provider/recovery/x.ts", 'import "../jobs/run-job";')).length, 1);
    assert.equal(
      (await refused("provider/kinds/x.ts", 'import "../schedules/scheduled-job-kind";')).length,
      1,
    );
    assert.equal((await refused("provider/resource/x.ts", 'import "../kinds/job-kind";')).length, 1);
    assert.deepEqual(
      await refused("provider/schedules/x.ts", 'import "../kinds/deploy-job";\nimport "../resource/host";'),
      [],
    );
    assert.deepEqual(await refused("provider/recovery/x.ts", 'import "../kinds/job-kind";'), []);
  });

  it("keeps each face from the other, and the emulator and the provider apart", async () => {
    assert.equal((await refused("provider/dynamic/x.ts", 'import "../plugin/main";')).length, 1);
    assert.equal(
      (await refused("provider/plugin/x.ts", 'import { providers } from "../dynamic";')).length,
      1,
    );
    assert.equal((await refused("emulator/x.ts", 'import "../provider/pe";')).length, 1);
    assert.equal((await refused("provider/pe/x.ts", 'import "../../emulator";')).length, 1);
    assert.deepEqual(
      await refused("provider/dynamic/x.ts", 'import "../resource/host";\nimport "@pulumi/pulumi";'),
      [],
    );
    assert.deepEqual(await refused("provider/plugin/x.ts", 'import "../engine/engine-log";'), []);
  });

  it("names the rule in its message", async () => {
    const [message] = await refused("provider/jobs/x.ts", 'import "@pulumi/pulumi";');
    assert.match(message, /engine-neutral core.*docs\/design\.md/);
  });
});
