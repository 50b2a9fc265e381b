import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./support/pulumi-cli";

// The Pulumi CLI built for tests must speak the same protocol as the SDK the package depends on.
describe("foundation: pinned versions", () => {
  const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    engines: { node: string };
  };

  it("pins every dependency to an exact version", () => {
    for (const [name, version] of Object.entries({
      ...packageJson.dependencies,
      ...packageJson.devDependencies,
    })) {
      // an exact version, a pre-release one included (postject publishes only those): never a range
      assert.match(version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/, `${name} is pinned exactly, not ${version}`);
    }
  });

  it("builds the Pulumi CLI at the version of @pulumi/pulumi", () => {
    const goMod = fs.readFileSync(path.join(repoRoot, "tools", "pulumi-cli", "go.mod"), "utf8");
    const cliVersion = /github\.com\/pulumi\/pulumi\/pkg\/v3 v(\S+)/.exec(goMod)?.[1];
    assert.equal(cliVersion, packageJson.dependencies["@pulumi/pulumi"]);
  });

  it("declares support for Node.js 20 and later", () => {
    assert.equal(packageJson.engines.node, ">=20");
  });
});
