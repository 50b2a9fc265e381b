import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../../emulator";
import { CA_PLACEHOLDER, PROGRAM, URL_PLACEHOLDER } from "../fixtures/upgrade/record";
import { forEachFace, programFor, stackOptionsFor } from "../support/faces";
import { TestStack } from "../support/test-stack";

const fixtures = path.join(__dirname, "..", "fixtures", "upgrade");
/** The releases whose state was recorded (test/fixtures/upgrade/v<version>), oldest first. */
const RECORDED = fs
  .readdirSync(fixtures)
  .filter((d) => /^v\d+\.\d+\.\d+$/.test(d))
  .sort();

// State written by an earlier release, read by this one: the pipeline each release recorded (record.ts), imported
// into a stack with that release's config and the emulator's job history; the current code previews it with no
// changes and refreshes it cleanly, on each face. A change that breaks old state fails here.
forEachFace((face) =>
  describe(`upgrade: state recorded by earlier releases previews with no changes and refreshes cleanly (${face})`, function () {
    this.timeout(10 * 60_000);
    assert.ok(RECORDED.length > 0, "at least one release's state is recorded");

    for (const release of RECORDED) {
      it(`${release}'s state`, async () => {
        const recorded = path.join(fixtures, release, face);
        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pe-upgrade-"));
        for (const file of fs.readdirSync(path.join(recorded, "emulator")))
          fs.copyFileSync(path.join(recorded, "emulator", file), path.join(stateDir, file));
        let emu: Emulator | undefined;
        let stack: TestStack | undefined;
        try {
          emu = await startEmulator({ quiet: true, timeScale: 1000, stateDir });
          const fill = (text: string) =>
            text.split(URL_PLACEHOLDER).join(emu!.url).split(CA_PLACEHOLDER).join(emu!.caFile);
          stack = await TestStack.create({
            project: "upgrade",
            files: { "index.ts": programFor(face, PROGRAM) },
            ...stackOptionsFor(face),
          });
          fs.writeFileSync(
            path.join(stack.dir, "Pulumi.dev.yaml"),
            fill(fs.readFileSync(path.join(recorded, "Pulumi.dev.yaml"), "utf8")),
          );
          const state = path.join(stack.dir, "recorded-state.json");
          fs.writeFileSync(state, fill(fs.readFileSync(path.join(recorded, "state.json"), "utf8")));
          await stack.pulumiOk(["stack", "import", "--file", state]);
          const preview = await stack.preview(["--expect-no-changes"]);
          assert.equal(preview.code, 0, preview.stdout + preview.stderr);
          const refresh = await stack.pulumi(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
          assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
          const after = await stack.preview(["--expect-no-changes"]);
          assert.equal(after.code, 0, after.stdout + after.stderr);
          const commands = emu.requests.filter(
            (r) => r.method === "POST" && /\/command\/|\/deploys$/.test(r.path),
          );
          assert.deepEqual(commands, [], "nothing was run again");
        } finally {
          await stack?.remove();
          await emu?.stop();
          fs.rmSync(stateDir, { recursive: true, force: true });
        }
      });
    }
  }),
);
