import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { repoRoot } from "./support/pulumi-cli";

/** Every relative import (type-only ones too: a circle of types is a circle of knowledge) of each .ts file. */
function importGraph(folders: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of folders) {
    const root = path.join(repoRoot, folder);
    for (const rel of fs.readdirSync(root, { recursive: true, encoding: "utf8" }) as string[]) {
      if (!rel.endsWith(".ts")) continue;
      const file = path.join(root, rel);
      const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
      const deps: string[] = [];
      source.forEachChild((node) => {
        if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) return;
        const spec = node.moduleSpecifier;
        if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) return;
        const target = path.resolve(path.dirname(file), spec.text);
        const found = [`${target}.ts`, path.join(target, "index.ts")].find((f) => fs.existsSync(f));
        if (found) deps.push(found);
      });
      graph.set(file, deps);
    }
  }
  return graph;
}

/** The import circles: strongly connected groups of more than one file, or a file that imports itself. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(path.relative(repoRoot, w));
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("no import circles in provider/, emulator/ or puppet-type/", () => {
  it("finds none (a circle's files are listed: open it through a module below them)", () => {
    assert.deepEqual(circles(importGraph(["provider", "emulator", "puppet-type"])), []);
  });

  it("finds a circle where there is one, type-only imports included", () => {
    const a = path.join(repoRoot, "a.ts");
    const b = path.join(repoRoot, "b.ts");
    assert.deepEqual(
      circles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
      [["a.ts", "b.ts"]],
    );
  });
});
