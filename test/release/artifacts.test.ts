import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../support/pulumi-cli";
import { releaseFolder } from "./support/release";

const version = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
).version;
const PLATFORMS = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64", "windows-amd64"];

/** What an executable's first bytes say it is. */
function formatOf(file: string): string {
  const head = Buffer.alloc(4096);
  const fd = fs.openSync(file, "r");
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  if (head.readUInt32BE(0) === 0x7f454c46) {
    const machine = head.readUInt16LE(18);
    return `ELF ${machine === 0x3e ? "x86-64" : machine === 0xb7 ? "aarch64" : machine}`;
  }
  if (head.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = head.readUInt32LE(4);
    return `Mach-O 64 ${cpu === 0x01000007 ? "x86_64" : cpu === 0x0100000c ? "arm64" : cpu}`;
  }
  if (head.toString("latin1", 0, 2) === "MZ") {
    const pe = head.readUInt32LE(0x3c);
    const optionalMagic = head.readUInt16LE(pe + 24);
    const machine = head.readUInt16LE(pe + 4);
    return `${optionalMagic === 0x20b ? "PE32+" : "PE32"} ${machine === 0x8664 ? "x86-64" : machine}`;
  }
  return "unknown";
}

/** The flags of a Mach-O's code signature's CodeDirectory, or undefined when it has no signature. */
function codeSignatureFlags(file: string): number | undefined {
  const data = fs.readFileSync(file);
  const ncmds = data.readUInt32LE(16);
  let at = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = data.readUInt32LE(at);
    if (cmd === 0x1d) {
      const offset = data.readUInt32LE(at + 8);
      assert.equal(data.readUInt32BE(offset), 0xfade0cc0, "an embedded signature (SuperBlob)");
      const count = data.readUInt32BE(offset + 8);
      for (let b = 0; b < count; b++) {
        const blob = offset + data.readUInt32BE(offset + 12 + b * 8 + 4);
        if (data.readUInt32BE(blob) === 0xfade0c02) return data.readUInt32BE(blob + 12);
      }
      return 0;
    }
    at += data.readUInt32LE(at + 4);
  }
  return undefined;
}

describe("release: npm run release builds every artifact, checksummed, the plugin self-contained per platform", function () {
  this.timeout(30 * 60 * 1000); // the first run on a machine downloads Node.js builds and builds rcodesign
  let release: string;
  let unpacked: string;

  before(() => {
    release = releaseFolder();
    unpacked = fs.mkdtempSync(path.join(os.tmpdir(), "pe-release-unpacked-"));
  });
  after(() => fs.rmSync(unpacked, { recursive: true, force: true }));

  it("holds every artifact, and checksums.txt verifies them all (sha256sum -c)", () => {
    const files = (fs.readdirSync(release, { recursive: true, encoding: "utf8" }) as string[])
      .filter((f) => fs.statSync(path.join(release, f)).isFile())
      .sort();
    const module = "goproxy/github.com/pulumi-pe-orchestrator/pulumi-pe/sdk/go/@v";
    assert.deepEqual(
      files,
      [
        "checksums.txt",
        `${module}/list`,
        `${module}/v${version}.info`,
        `${module}/v${version}.mod`,
        `${module}/v${version}.zip`,
        `pulumi-pe-${version}.tgz`,
        `pulumi-pe-orchestrator-${version}.tgz`,
        ...PLATFORMS.map((p) => `pulumi-resource-pe-v${version}-${p}.tar.gz`),
        `pulumi_pe-${version}-py3-none-any.whl`,
        `pulumi_pe-${version}.tar.gz`,
        "schema.json",
      ].sort(),
    );
    const checked = execFileSync("sha256sum", ["--strict", "-c", "checksums.txt"], {
      cwd: release,
      encoding: "utf8",
    });
    assert.equal(checked.trim().split("\n").length, files.length - 1);
    for (const f of files)
      console.log(`      ${(fs.statSync(path.join(release, f)).size / 1e6).toFixed(1).padStart(6)} MB  ${f}`);
  });

  it("each plugin tarball holds one executable of its platform's format, carrying the plugin", () => {
    const expected: Record<string, string> = {
      "linux-amd64": "ELF x86-64",
      "linux-arm64": "ELF aarch64",
      "darwin-amd64": "Mach-O 64 x86_64",
      "darwin-arm64": "Mach-O 64 arm64",
      "windows-amd64": "PE32+ x86-64",
    };
    for (const platform of PLATFORMS) {
      const dir = path.join(unpacked, platform);
      fs.mkdirSync(dir);
      execFileSync("tar", [
        "-xzf",
        path.join(release, `pulumi-resource-pe-v${version}-${platform}.tar.gz`),
        "-C",
        dir,
      ]);
      const name = platform.startsWith("windows") ? "pulumi-resource-pe.exe" : "pulumi-resource-pe";
      assert.deepEqual(fs.readdirSync(dir), [name]);
      const executable = path.join(dir, name);
      assert.equal(formatOf(executable), expected[platform], platform);
      const bytes = fs.readFileSync(executable);
      assert.ok(
        bytes.includes("NODE_SEA_BLOB") || bytes.includes("pe:index:PlanRun"),
        `${platform}: a SEA blob`,
      );
      assert.ok(bytes.includes('"pe:index:PlanRun"'), `${platform}: the plugin (its schema) is inside`);
      if (platform.startsWith("darwin")) {
        const flags = codeSignatureFlags(executable);
        assert.ok(flags !== undefined && (flags & 0x2) !== 0, `${platform}: an ad-hoc code signature`);
      }
    }
  });

  it("the linux executables run with no Node.js: amd64 here, arm64 under qemu-user (its glibc from Debian)", () => {
    const usage = (command: string, args: string[]) => {
      try {
        execFileSync(command, args, { env: { PATH: "/nonexistent" }, encoding: "utf8", stdio: "pipe" });
        return { code: 0, stderr: "" };
      } catch (error) {
        const { status, stderr } = error as { status: number; stderr: string };
        return { code: status, stderr };
      }
    };
    const amd64 = usage(path.join(unpacked, "linux-amd64", "pulumi-resource-pe"), []);
    assert.equal(amd64.code, 2);
    assert.match(amd64.stderr, /^pulumi-resource-pe: the Pulumi provider plugin for Puppet Enterprise/);
    const qemu = ["/usr/bin/qemu-aarch64", "/usr/bin/qemu-aarch64-static"].find((q) => fs.existsSync(q));
    assert.ok(qemu, "qemu-user is installed (scripts/test.sh installs it with Debian's packages)");
    const arm64 = usage(qemu, [
      "-L",
      "/usr/aarch64-linux-gnu",
      path.join(unpacked, "linux-arm64", "pulumi-resource-pe"),
    ]);
    assert.equal(arm64.code, 2, arm64.stderr);
    assert.match(arm64.stderr, /^pulumi-resource-pe: the Pulumi provider plugin for Puppet Enterprise/);
  });
});
