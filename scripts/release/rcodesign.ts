// rcodesign (the `apple-codesign` crate) signs Mach-O binaries on Linux: the darwin executables get an ad-hoc
// signature with it. Used from PATH when there, else built from crates.io once per machine, outside the clone:
//   ${PE_RCODESIGN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-pe-orchestrator/rcodesign}/<version>/bin/rcodesign
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const RCODESIGN_VERSION = "0.29.0";

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The path of an `rcodesign` to run, built first when this machine has none. */
export function rcodesign(): string {
  const found = onPath("rcodesign");
  if (found) return found;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const root = path.join(
    process.env.PE_RCODESIGN_CACHE || path.join(base, "pulumi-pe-orchestrator", "rcodesign"),
    RCODESIGN_VERSION,
  );
  const binary = path.join(root, "bin", "rcodesign");
  if (fs.existsSync(binary)) return binary;
  const cargoHome = process.env.CARGO_HOME || path.join(os.homedir(), ".cargo");
  const installed = path.join(cargoHome, "bin", "rcodesign");
  // a `cargo install apple-codesign` of the same version, e.g. by a developer
  if (
    fs.existsSync(installed) &&
    execFileSync(installed, ["--version"], { encoding: "utf8" }).includes(RCODESIGN_VERSION)
  )
    return installed;
  process.stderr.write(
    `release: building rcodesign ${RCODESIGN_VERSION} from crates.io (once per machine, minutes)\n`,
  );
  // rustup puts cargo in CARGO_HOME/bin, which a non-login shell's PATH may lack
  const cargo = onPath("cargo") ?? path.join(cargoHome, "bin", "cargo");
  if (!fs.existsSync(cargo))
    throw new Error(
      "the release signs the darwin plugins with rcodesign, built with Rust's cargo: install Rust (rustup)",
    );
  execFileSync(
    cargo,
    // no notarization (its AWS and App Store Connect clients): an ad-hoc signature is all the release makes
    [
      "install",
      "apple-codesign",
      "--version",
      RCODESIGN_VERSION,
      "--locked",
      "--no-default-features",
      "--root",
      root,
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  return binary;
}
