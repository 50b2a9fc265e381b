import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";
import { repoRoot } from "./support/pulumi-cli";

const { circles, importGraph } = require("../scripts/lint/import-cycles.cjs") as {
  circles(graph: Map<string, string[]>): string[][];
  importGraph(root: string): Map<string, string[]>;
};

// The lint's rule `house/no-import-cycle` (eslint.config.mjs, scripts/lint/import-cycles.cjs): these cases show it
// finds what it must, so that a config edit cannot switch it off unnoticed.
describe("no import circles in provider/, emulator/ or puppet-type/ (lint)", function () {
  this.timeout(60_000);

  it("finds none today", () => {
    for (const root of ["provider", "emulator", "puppet-type"])
      assert.deepEqual(circles(importGraph(path.join(repoRoot, root))), [], root);
  });

  it("fails the lint on a circle, type-only imports included, naming its files", async () => {
    const dir = fs.mkdtempSync(path.join(repoRoot, "provider", "circle-"));
    try {
      fs.writeFileSync(path.join(dir, "a.ts"), 'import { b } from "./b";\nexport const a = () => b;\n');
      fs.writeFileSync(
        path.join(dir, "b.ts"),
        'import type { a } from "./a";\nexport type A = typeof a;\nexport const b = 1;\n',
      );
      const results = await new ESLint({ cwd: repoRoot }).lintFiles([dir]);
      const messages = results.flatMap((r) => r.messages.filter((m) => m.ruleId === "house/no-import-cycle"));
      assert.equal(messages.length, 2);
      const name = path.basename(dir);
      assert.match(messages[0].message, new RegExp(`provider/${name}/a\\.ts, provider/${name}/b\\.ts`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
