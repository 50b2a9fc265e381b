import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../support/pulumi-cli";

/** What a provider served by the SDK's own main() saw of a Configure and of a Read with no properties. */
function probe(mode: "bare" | "hooked"): Record<string, unknown> {
  const out = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "support", "sdk-server-probe.ts"), mode],
    { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const line = out.split("\n").find((l) => l.startsWith("PROBE "));
  assert.ok(line, out);
  return JSON.parse(line.slice("PROBE ".length)) as Record<string, unknown>;
}

describe("the SDK provider server's gaps the plugin closes (sdk-server-hooks.ts)", function () {
  this.timeout(60_000);

  // When one of these fails, the SDK closed the gap itself: drop that part of sdk-server-hooks.ts.
  it("the SDK alone still drops Configure and fails a Read with no properties", () => {
    const bare = probe("bare");
    assert.equal(bare.configuredBy, "nobody", "the SDK now passes Configure on: the Configure hook can go");
    assert.match(String(bare.read), /toJavaScript/, "the SDK now reads an import: the Read hook can go");
  });

  it("with the hooks, Configure's settings reach the plugin and a Read with no properties reaches read()", () => {
    const hooked = probe("hooked");
    assert.equal(hooked.configuredBy, "hook");
    assert.deepEqual(hooked.settings, { serviceUrl: "https://pe.example.com:8143", tokenFile: "/tmp/token" });
    assert.equal(hooked.read, "ok");
    assert.deepEqual(hooked.readProps, {});
  });

  it("patches the modules the SDK's server loads: the lock file holds one copy of each", () => {
    // the hooks require @grpc/grpc-js and google-protobuf by name (so that the bundle has one copy of each)
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    for (const name of ["@grpc/grpc-js", "google-protobuf/google/protobuf/struct_pb"])
      assert.equal(
        require.resolve(name, { paths: [sdk] }),
        require.resolve(name),
        `${name}: the SDK's own copy`,
      );
  });
});
