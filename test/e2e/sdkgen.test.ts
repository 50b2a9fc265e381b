import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../support/pulumi-cli";
import { filesUnder, sh } from "../support/run-command";

// scripts/gen-sdk.sh on a small hand-written schema (package `pe`: the Echo resource and the provider's config):
// the four SDKs are written, carry the version asked for, and each compiles against Pulumi 3.248.0.
const schema = path.join(repoRoot, "test", "fixtures", "sdkgen", "schema.json");

describe("sdkgen: Node.js, Python, Go and .NET SDKs from a schema", function () {
  this.timeout(10 * 60 * 1000); // the first run builds the generator; the first Go vet compiles the Go SDK
  let out: string;

  before(async () => {
    // Inside the clone, so that the Node.js SDK resolves this package's @pulumi/pulumi and TypeScript.
    fs.mkdirSync(path.join(repoRoot, ".pulumi-test"), { recursive: true });
    out = fs.mkdtempSync(path.join(repoRoot, ".pulumi-test", "sdkgen-"));
    const gen = await sh("bash", [
      path.join(repoRoot, "scripts", "gen-sdk.sh"),
      "--schema",
      schema,
      "--out",
      path.join(out, "sdk"),
      "--version",
      "0.1.0",
    ]);
    console.log(`      (gen-sdk.sh ${gen.elapsedMs} ms)\n${gen.stderr.trimEnd().replace(/^/gm, "      ")}`);
    out = path.join(out, "sdk");
  });

  after(() => {
    if (out) fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it("writes the four SDKs, each at the version asked for", () => {
    assert.deepEqual(fs.readdirSync(out).sort(), ["dotnet", "go", "nodejs", "python"]);
    const packageJson = JSON.parse(fs.readFileSync(path.join(out, "nodejs", "package.json"), "utf8")) as {
      name: string;
      version: string;
      pulumi: { name: string; version: string };
    };
    assert.equal(packageJson.name, "@pulumi-pe/pe");
    assert.equal(packageJson.version, "0.1.0");
    assert.deepEqual(packageJson.pulumi, { resource: true, name: "pe", version: "0.1.0" });
    for (const file of filesUnder(path.join(out, "nodejs")).map((f) => path.join(out, "nodejs", f))) {
      assert.doesNotMatch(
        fs.readFileSync(file, "utf8"),
        /\$\{VERSION\}/,
        `${file} has no version placeholder`,
      );
    }
    assert.match(fs.readFileSync(path.join(out, "python", "setup.py"), "utf8"), /VERSION = "0\.1\.0"/);
    assert.match(
      fs.readFileSync(path.join(out, "go", "go.mod"), "utf8"),
      /^module example\.com\/pulumi-pe\/sdk\/go$/m,
    );
    assert.match(
      fs.readFileSync(path.join(out, "go", "pe", "internal", "pulumiUtilities.go"), "utf8"),
      /"0\.1\.0"/,
    );
    const csproj = fs.readFileSync(path.join(out, "dotnet", "PulumiPe.Pe.csproj"), "utf8");
    assert.match(csproj, /<Version>0\.1\.0<\/Version>/);
    assert.match(
      fs.readFileSync(path.join(out, "dotnet", "Echo.cs"), "utf8"),
      /class Echo : global::Pulumi\.CustomResource/,
    );
    assert.ok(fs.statSync(path.join(out, "dotnet", "logo.png")).size > 0, "the .NET package has an icon");
  });

  it("the Node.js SDK compiles with tsc and loads", async () => {
    const dir = path.join(out, "nodejs");
    const tsc = await sh(path.join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", dir]);
    console.log(`      (tsc ${tsc.elapsedMs} ms)`);
    // The SDK reads its version from a package.json next to the compiled code: Pulumi's SDKs are published from
    // bin/ with package.json copied in.
    fs.copyFileSync(path.join(dir, "package.json"), path.join(dir, "bin", "package.json"));
    const load = await sh("node", [
      "-e",
      "const pe = require(process.argv[1]); console.log(typeof pe.Echo, typeof pe.Provider, typeof pe.config)",
      path.join(dir, "bin"),
    ]);
    assert.equal(load.stdout.trim(), "function function object");
    // The provider config: `token` a secret, read from the `pe` namespace.
    const vars = fs.readFileSync(path.join(dir, "config", "vars.ts"), "utf8");
    assert.match(vars, /new pulumi\.Config\("pe"\)/);
    assert.match(vars, /serviceUrl/);
  });

  it("the Python SDK compiles (py_compile)", async () => {
    const dir = path.join(out, "python");
    const sources = filesUnder(dir)
      .filter((file) => file.endsWith(".py"))
      .map((file) => path.join(dir, file));
    assert.ok(sources.length >= 5, `Python sources: ${sources.join(", ")}`);
    const compiled = await sh("python3", ["-m", "py_compile", ...sources]);
    console.log(`      (py_compile ${compiled.elapsedMs} ms)`);
    assert.match(
      fs.readFileSync(path.join(dir, "pulumi_pe", "echo.py"), "utf8"),
      /class Echo\(pulumi\.CustomResource\)/,
    );
  });

  it("the Go SDK vets against github.com/pulumi/pulumi/sdk/v3 v3.248.0", async () => {
    const dir = path.join(out, "go");
    assert.match(
      fs.readFileSync(path.join(dir, "go.mod"), "utf8"),
      /require github\.com\/pulumi\/pulumi\/sdk\/v3 v3\.248\.0/,
    );
    // Pulumi's modules are not in the public checksum database (see scripts/pulumi-cli.sh).
    const env = {
      ...process.env,
      GONOSUMDB: "github.com/pulumi/*",
      GOTOOLCHAIN: "local",
      GOFLAGS: "-mod=mod",
    };
    const tidy = await sh("go", ["mod", "tidy"], { cwd: dir, env });
    const vet = await sh("go", ["vet", "./..."], { cwd: dir, env });
    console.log(`      (go mod tidy ${tidy.elapsedMs} ms, go vet ${vet.elapsedMs} ms)`);
    assert.match(
      fs.readFileSync(path.join(dir, "go.mod"), "utf8"),
      /github\.com\/pulumi\/pulumi\/sdk\/v3 v3\.248\.0/,
    );
  });
});
