// The Go SDK as `go get` fetches it: the module at its import path (github.com/<owner>/<repo>/sdk/go, tagged
// sdk/go/v<version> in the repository), laid out as a Go module proxy serves it, so that a mirror (or a test) can
// serve it with GOPROXY=file://... or over HTTP:
//   <out>/<module path>/@v/list, v<version>.info, v<version>.mod, v<version>.zip
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export function goModuleProxy(moduleDir: string, version: string, out: string): void {
  const goMod = fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8");
  const modulePath = /^module\s+(\S+)/m.exec(goMod)?.[1];
  if (!modulePath) throw new Error(`${moduleDir}/go.mod names no module`);
  const v = `v${version}`;
  // the proxy protocol escapes capitals as !lower
  const dir = path.join(
    out,
    modulePath.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`),
    "@v",
  );
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "list"), `${v}\n`);
  fs.writeFileSync(
    path.join(dir, `${v}.info`),
    `${JSON.stringify({ Version: v, Time: "1980-01-01T00:00:00Z" })}\n`,
  );
  fs.writeFileSync(path.join(dir, `${v}.mod`), goMod);
  // the zip holds every file of the module under <module>@<version>/, as `go mod download` expects
  const files = (fs.readdirSync(moduleDir, { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => fs.statSync(path.join(moduleDir, f)).isFile())
    .sort();
  const script = `
import sys, zipfile
module_dir, prefix, target = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sys.argv[4:]:
        info = zipfile.ZipInfo(prefix + name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(module_dir + "/" + name, "rb") as f:
            z.writestr(info, f.read())
`;
  execFileSync("python3", [
    "-c",
    script,
    moduleDir,
    `${modulePath}@${v}/`,
    path.join(dir, `${v}.zip`),
    ...files,
  ]);
}
