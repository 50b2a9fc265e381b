import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./pulumi-cli";

const run = promisify(execFile);

/** The Pulumi Python SDK's version: the same as the pinned @pulumi/pulumi (and the Pulumi CLI). */
export const pulumiPythonVersion: string = (require("@pulumi/pulumi/package.json") as { version: string })
  .version;

/** Where the virtualenvs live: outside the clone, shared by clones and kept between runs. */
function venvRoot(): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(cache, "pulumi-pe-orchestrator", "python-venv");
}

async function pythonVersion(python: string): Promise<string> {
  const { stdout } = await run(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]);
  return stdout.trim();
}

/**
 * The virtualenv `name` under the cache, made once with `pip install <requirements>` (`prepare` may first set up
 * what they name, in a scratch folder of its own), then reused. It is made under another name and renamed into
 * place, so that concurrent runs never see half of one.
 */
async function cachedVirtualenv(
  python: string,
  name: string,
  requirements: (scratch: string) => string[],
): Promise<string> {
  const venv = path.join(venvRoot(), name);
  if (fs.existsSync(path.join(venv, "bin", "python"))) return venv;

  fs.mkdirSync(venvRoot(), { recursive: true });
  const work = fs.mkdtempSync(`${venv}.tmp-`);
  const scratch = fs.mkdtempSync(`${venv}.src-`);
  try {
    await run(python, ["-m", "venv", work]);
    // `python -m pip`, not the pip script: the script's #! line names the folder, which is renamed below.
    await run(
      path.join(work, "bin", "python"),
      ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...requirements(scratch)],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    try {
      fs.renameSync(work, venv);
    } catch (error) {
      // Another run got there first: use theirs.
      if (!fs.existsSync(path.join(venv, "bin", "python"))) throw error;
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return venv;
}

/**
 * A virtualenv with the `pulumi` package from PyPI at `pulumiPythonVersion`, for Python test programs
 * (Pulumi.yaml `runtime.options.virtualenv`). Made once per Pulumi and Python version (about 35 s), then reused.
 */
export async function pulumiVirtualenv(python = "python3"): Promise<string> {
  return cachedVirtualenv(python, `pulumi-${pulumiPythonVersion}-py${await pythonVersion(python)}`, () => [
    `pulumi==${pulumiPythonVersion}`,
  ]);
}

const peSdk = path.join(repoRoot, "sdk", "python");

/** The files of sdk/python (relative paths, sorted), less what Python or a build leaves there. */
function peSdkFiles(): string[] {
  return (fs.readdirSync(peSdk, { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => !/(^|\/)(__pycache__|build|[^/]*\.egg-info)(\/|$)/.test(f))
    .filter((f) => fs.statSync(path.join(peSdk, f)).isFile())
    .sort();
}

/**
 * A virtualenv with `pulumi` (as above) and this clone's generated Python SDK `pulumi_pe` (sdk/python, with
 * parver and semver from PyPI), for programs that use the provider plugin. Cached by a hash of sdk/python's
 * files: a regenerated SDK gets a new virtualenv, an unchanged one is reused (the first costs about 40 s). pip
 * installs a copy of the folder, so that its build leaves nothing in the clone.
 */
export async function peSdkVirtualenv(python = "python3"): Promise<string> {
  const hash = createHash("sha256");
  for (const file of peSdkFiles()) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(peSdk, file)));
    hash.update("\0");
  }
  const name = `pulumi-${pulumiPythonVersion}-pe-${hash.digest("hex").slice(0, 12)}-py${await pythonVersion(python)}`;
  return cachedVirtualenv(python, name, (scratch) => {
    const copy = path.join(scratch, "python");
    for (const file of peSdkFiles()) {
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(path.join(peSdk, file), path.join(copy, file));
    }
    return [`pulumi==${pulumiPythonVersion}`, copy];
  });
}
