import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pluginBinDir } from "./plugin";
import { pulumiBinDir, repoRoot } from "./pulumi-cli";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Milliseconds the command took. */
  elapsedMs: number;
}

export interface TestStackOptions {
  /** Files of the Pulumi program, by path relative to the project folder (`index.ts`, ...). */
  files: Record<string, string>;
  /** Project name (Pulumi.yaml `name`). */
  project?: string;
  stack?: string;
  /** Extra environment for every command. */
  env?: Record<string, string>;
  /** Where to create the project folder (default: `.pulumi-test/` in this clone). */
  parentDir?: string;
  /** Put this clone's provider plugin (`pulumi-resource-pe`) on the engine's PATH. */
  plugin?: boolean;
  /** Pulumi.yaml's runtime (default: nodejs with TypeScript); a program in another language names its own. */
  runtime?: string;
}

/** Where test projects live: inside the clone, so that programs resolve this package's node_modules. */
const testRoot = path.join(repoRoot, ".pulumi-test");

/**
 * Makes `require("pulumi-pe-orchestrator")` in test programs (and in the provider process the engine starts
 * for them) load this clone's build, the way a user's project loads the installed package.
 */
export function linkThisPackage(): void {
  const link = path.join(testRoot, "node_modules", "pulumi-pe-orchestrator");
  if (fs.existsSync(link)) return;
  fs.mkdirSync(path.dirname(link), { recursive: true });
  try {
    fs.symlinkSync(repoRoot, link, "dir");
  } catch (error) {
    // another test process made it first
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/**
 * A Pulumi project and stack in a temporary folder, driven through the real `pulumi` CLI with a local file
 * backend, its own PULUMI_HOME, a passphrase for secrets and nothing that reaches the network.
 */
export class TestStack {
  readonly dir: string;
  readonly stack: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(dir: string, stack: string, env: NodeJS.ProcessEnv) {
    this.dir = dir;
    this.stack = stack;
    this.env = env;
  }

  static async create(options: TestStackOptions): Promise<TestStack> {
    linkThisPackage();
    const parent = options.parentDir ?? testRoot;
    const dir = fs.mkdtempSync(path.join(parent, `${options.project ?? "test"}-`));
    const project = options.project ?? "test";
    const files: Record<string, string> = {
      "Pulumi.yaml": `name: ${project}\n${options.runtime ?? "runtime:\n  name: nodejs\n  options:\n    typescript: true\n"}`,
      // Its own package.json makes the project folder the program's package root (not this repository).
      "package.json": JSON.stringify({ name: project, private: true }, null, 2),
      "tsconfig.json": JSON.stringify(
        { compilerOptions: { strict: true, target: "ES2022", esModuleInterop: true } },
        null,
        2,
      ),
      ...options.files,
    };
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    fs.mkdirSync(path.join(dir, ".state"));
    fs.mkdirSync(path.join(dir, ".home"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [...(options.plugin ? [pluginBinDir()] : []), pulumiBinDir(), process.env.PATH ?? ""].join(
        path.delimiter,
      ),
      PULUMI_HOME: path.join(dir, ".home"),
      PULUMI_BACKEND_URL: `file://${path.join(dir, ".state")}`,
      PULUMI_CONFIG_PASSPHRASE: "test-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      // Each test stack keeps its own record of creates in flight (crash recovery), never the user's.
      PE_ORCHESTRATOR_JOURNAL_DIR: path.join(dir, ".journal"),
      ...options.env,
    };
    const stack = new TestStack(dir, options.stack ?? "dev", env);
    await stack.pulumiOk(["stack", "init", stack.stack]);
    return stack;
  }

  /** The environment every command of this stack runs with (for processes a test starts itself). */
  environment(): NodeJS.ProcessEnv {
    return { ...this.env };
  }

  /** Runs `pulumi <args>` in the project folder. */
  pulumi(args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      // --non-interactive is a global flag: first, so that a `--` in args still ends the flags that follow.
      const child = spawn("pulumi", ["--non-interactive", ...args], {
        cwd: this.dir,
        env: { ...this.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on("error", reject);
      child.on("close", (code) =>
        resolve({ code: code ?? -1, stdout, stderr, elapsedMs: Date.now() - started }),
      );
    });
  }

  /** Runs `pulumi <args>` and fails with its whole output unless it exits 0. */
  async pulumiOk(args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
    const result = await this.pulumi(args, env);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  up(extra: string[] = []): Promise<CommandResult> {
    return this.pulumi(["up", "--yes", "--skip-preview", ...extra]);
  }

  preview(extra: string[] = []): Promise<CommandResult> {
    return this.pulumi(["preview", ...extra]);
  }

  refresh(extra: string[] = []): Promise<CommandResult> {
    return this.pulumi(["refresh", "--yes", "--skip-preview", ...extra]);
  }

  destroy(extra: string[] = []): Promise<CommandResult> {
    return this.pulumi(["destroy", "--yes", "--skip-preview", ...extra]);
  }

  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    // `--` first: a value may start with "-" (tokens do), which would otherwise read as a flag.
    await this.pulumiOk(["config", "set", options.secret ? "--secret" : "--plaintext", "--", key, value]);
  }

  /** Several config values in one `pulumi config set-all` (one CLI start instead of one each). */
  async setConfigs(values: { key: string; value: string; secret?: boolean }[]): Promise<void> {
    const args = values.flatMap(({ key, value, secret }) => [
      secret ? "--secret" : "--plaintext",
      `${key}=${value}`,
    ]);
    await this.pulumiOk(["config", "set-all", ...args]);
  }

  /** The stack's outputs (secrets shown in plain text). */
  async outputs(): Promise<Record<string, unknown>> {
    const result = await this.pulumiOk(["stack", "output", "--json", "--show-secrets"]);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /** The stack's state as `pulumi stack export` writes it (secrets stay encrypted). */
  async exportState(): Promise<StackExport> {
    const result = await this.pulumiOk(["stack", "export"]);
    return JSON.parse(result.stdout) as StackExport;
  }

  /** Removes the project folder, and so the stack: its backend and PULUMI_HOME are inside it. */
  async remove(): Promise<void> {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface StackExport {
  version: number;
  deployment: {
    resources?: Array<{
      urn: string;
      type: string;
      id?: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    }>;
  };
}
