import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The Pulumi Python SDK's version: the same as the pinned @pulumi/pulumi (and the Pulumi CLI). */
export const pulumiPythonVersion: string = (require("@pulumi/pulumi/package.json") as { version: string })
  .version;

/** Where the virtualenvs live: outside the clone, shared by clones and kept between runs. */
function venvRoot(): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(cache, "pulumi-pe-orchestrator", "python-venv");
}

/**
 * A virtualenv with the `pulumi` package from PyPI at `pulumiPythonVersion`, for Python test programs
 * (Pulumi.yaml `runtime.options.virtualenv`). Made once per Pulumi and Python version (about 35 s), then reused;
 * it is made under another name and renamed into place, so that concurrent runs never see half of one.
 */
export async function pulumiVirtualenv(python = "python3"): Promise<string> {
  const { stdout } = await run(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]);
  const venv = path.join(venvRoot(), `pulumi-${pulumiPythonVersion}-py${stdout.trim()}`);
  if (fs.existsSync(path.join(venv, "bin", "python"))) return venv;

  fs.mkdirSync(venvRoot(), { recursive: true });
  const work = fs.mkdtempSync(`${venv}.tmp-`);
  try {
    await run(python, ["-m", "venv", work]);
    // `python -m pip`, not the pip script: the script's #! line names the folder, which is renamed below.
    await run(
      path.join(work, "bin", "python"),
      ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pulumi==${pulumiPythonVersion}`],
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
  }
  return venv;
}
