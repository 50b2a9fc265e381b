// The Python SDK as PyPI wants it: a wheel and an sdist, built by `python -m build` in a virtualenv of its own (made
// once per machine, outside the clone) from a copy of sdk/python, so nothing is left in the clone.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** What builds the distributions: pinned, so the same sources make the same files. */
const BUILD_REQUIREMENTS = ["build==1.2.2.post1", "setuptools==75.8.0", "wheel==0.45.1"];

function buildVirtualenv(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const key = BUILD_REQUIREMENTS.join("-").replace(/[^\w.-]+/g, "_");
  const venv = path.join(base, "pulumi-pe-orchestrator", "python-build", key);
  const python = path.join(venv, "bin", "python");
  if (fs.existsSync(python)) return python;
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  const work = fs.mkdtempSync(`${venv}.tmp-`);
  try {
    execFileSync("python3", ["-m", "venv", work]);
    execFileSync(
      path.join(work, "bin", "python"),
      ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...BUILD_REQUIREMENTS],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    fs.renameSync(work, venv);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return python;
}

/** Writes `pulumi_pe-<version>-py3-none-any.whl` and `pulumi_pe-<version>.tar.gz` into `out`. */
export function pythonDistributions(sdk: string, out: string, work: string): void {
  const copy = path.join(work, "sdk-python");
  fs.cpSync(sdk, copy, { recursive: true, filter: (src) => !/__pycache__|\.egg-info|[/\\]build$/.test(src) });
  execFileSync(
    buildVirtualenv(),
    ["-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", out, copy],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH ?? "315532800" },
    },
  );
}
