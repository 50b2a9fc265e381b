import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pulumiBinDir, repoRoot } from "../support/pulumi-cli";
import { pulumiVirtualenv } from "../support/python-venv";
import { TestStack } from "../support/test-stack";

// Programs in the other languages the provider's SDKs will serve, through the language hosts the Pulumi CLI
// finds next to itself (scripts/pulumi-cli.sh): Python and Go (the project's own host, under those names) and
// YAML (Pulumi's). Each exports its stack config, one value a secret, and the engine's settings as stack outputs.
const fixtures = path.join(repoRoot, "test", "fixtures", "language-hosts");

function fixtureFiles(language: string): Record<string, string> {
  const dir = path.join(fixtures, language);
  return Object.fromEntries(
    fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name), "utf8")]),
  );
}

/** `pulumi up` (preview, then update) with config, then what the stack shows. */
async function upWithConfig(
  stack: TestStack,
): Promise<{ shown: unknown; hidden: unknown; elapsedMs: number }> {
  await stack.setConfig("greeting", "hello");
  await stack.setConfig("token", "s3cret-token", { secret: true });
  const up = await stack.pulumiOk(["up", "--yes"]);
  const hidden = JSON.parse((await stack.pulumiOk(["stack", "output", "--json"])).stdout) as unknown;
  return { shown: await stack.outputs(), hidden, elapsedMs: up.elapsedMs };
}

/** The secret output is encrypted in the state, not only hidden on display. */
async function assertTokenEncrypted(stack: TestStack): Promise<void> {
  const state = await stack.exportState();
  const root = (state.deployment.resources ?? []).find((r) => r.type === "pulumi:pulumi:Stack");
  const token = root?.outputs?.token as Record<string, unknown> | undefined;
  assert.ok(
    token && typeof token.ciphertext === "string",
    `token is a secret in state: ${JSON.stringify(token)}`,
  );
  assert.doesNotMatch(JSON.stringify(state), /s3cret-token/);
}

function assertHostNextToPulumi(language: string): void {
  const host = path.join(pulumiBinDir(), `pulumi-language-${language}`);
  assert.ok(fs.existsSync(host), `${host} exists`);
}

describe("language hosts: Python, Go and YAML programs through the real Pulumi engine", function () {
  this.timeout(15 * 60 * 1000); // the first run may build the Pulumi CLI and the hosts, make a virtualenv, build Go
  const stacks: TestStack[] = [];

  after(async () => {
    for (const stack of stacks) await stack.remove();
  });

  it("a Python program (virtualenv with pulumi from PyPI) gets its config, secrets and settings", async () => {
    assertHostNextToPulumi("python");
    const venv = await pulumiVirtualenv();
    const stack = await TestStack.create({
      project: "pyhost",
      files: {
        ...fixtureFiles("python"),
        "Pulumi.yaml": `name: pyhost\nruntime:\n  name: python\n  options:\n    virtualenv: ${venv}\n`,
      },
    });
    stacks.push(stack);
    const { shown, hidden, elapsedMs } = await upWithConfig(stack);
    console.log(`      (python: pulumi up ${elapsedMs} ms)`);
    assert.deepEqual(shown, {
      greeting: "hello",
      token: "s3cret-token",
      tokenIsSecret: true,
      greetingIsSecret: false,
      project: "pyhost",
      stack: "dev",
      organization: "organization",
      dryRun: false,
    });
    assert.equal((hidden as Record<string, unknown>).token, "[secret]");
    await assertTokenEncrypted(stack);
  });

  it("a Python program that raises fails the run with its traceback, once", async () => {
    const stack = stacks.find((s) => s.dir.includes("pyhost-"));
    assert.ok(stack, "the Python stack of the test before");
    const main = path.join(stack.dir, "__main__.py");
    fs.appendFileSync(main, '\nraise ValueError("the program failed on purpose")\n');
    const preview = await stack.preview();
    assert.notEqual(preview.code, 0);
    const output = preview.stdout + preview.stderr;
    assert.match(output, /ValueError: the program failed on purpose/);
    // Exit status 32: the engine adds no "program exited" message of its own.
    assert.doesNotMatch(output, /exited with non-zero exit code|program exited/);
  });

  it("a Go program (built by the host) gets its config, secrets and settings", async () => {
    assertHostNextToPulumi("go");
    const stack = await TestStack.create({
      project: "gohost",
      files: { ...fixtureFiles("go"), "Pulumi.yaml": "name: gohost\nruntime: go\n" },
    });
    stacks.push(stack);
    const { shown, hidden, elapsedMs } = await upWithConfig(stack);
    console.log(`      (go: pulumi up ${elapsedMs} ms, two builds of the program)`);
    assert.deepEqual(shown, {
      greeting: "hello",
      token: "s3cret-token",
      tokenIsSecret: true,
      greetingIsSecret: false,
      project: "gohost",
      stack: "dev",
      organization: "organization",
      dryRun: false,
    });
    assert.equal((hidden as Record<string, unknown>).token, "[secret]");
    await assertTokenEncrypted(stack);
  });

  it("a YAML program runs with pulumi-language-yaml from next to pulumi", async () => {
    assertHostNextToPulumi("yaml");
    const stack = await TestStack.create({ project: "yamlhost", files: fixtureFiles("yaml") });
    stacks.push(stack);
    const { shown, hidden, elapsedMs } = await upWithConfig(stack);
    console.log(`      (yaml: pulumi up ${elapsedMs} ms)`);
    assert.deepEqual(shown, {
      greeting: "hello",
      token: "s3cret-token",
      project: "yamlhost",
      stack: "dev",
      organization: "organization",
    });
    assert.equal((hidden as Record<string, unknown>).token, "[secret]");
    await assertTokenEncrypted(stack);
  });
});
