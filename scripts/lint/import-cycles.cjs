/* global require, module */
// The import graph of a source folder and its circles, for the lint rule `house/no-import-cycle`
// (eslint.config.mjs) and its test. Type-only imports count: a circle of types is a circle of knowledge.
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

/** Every relative import (and re-export) of each .ts file under `root`, resolved to files. */
function importGraph(root) {
  const graph = new Map();
  for (const rel of fs.readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (!rel.endsWith(".ts")) continue;
    const file = path.join(root, rel);
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    const deps = [];
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
  return graph;
}

/** The import circles (Tarjan): strongly connected groups of more than one file, or a file importing itself. */
function circles(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const group = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The circles under `root`, recomputed only when a file there changed (one lint run asks once per file). */
const cache = new Map();
function circlesUnder(root) {
  const stamp = fs
    .readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((rel) => rel.endsWith(".ts"))
    .map((rel) => {
      const stat = fs.statSync(path.join(root, rel));
      return `${rel}:${stat.mtimeMs}:${stat.size}`;
    })
    .join("|");
  const hit = cache.get(root);
  if (hit && hit.stamp === stamp) return hit.found;
  const found = circles(importGraph(root));
  cache.set(root, { stamp, found });
  return found;
}

/** ESLint rule: a file of `roots` that is part of an import circle is reported, with the circle's files. */
const noImportCycle = {
  meta: {
    type: "problem",
    schema: [{ type: "object", properties: { roots: { type: "array", items: { type: "string" } } } }],
    messages: {
      circle:
        "{{file}} is in an import circle ({{files}}): move what they share to a module below them (docs/design.md)",
    },
  },
  create(context) {
    const file = context.filename;
    const roots = (context.options[0]?.roots ?? []).map((r) => path.resolve(context.cwd, r));
    const root = roots.find((r) => file.startsWith(r + path.sep));
    if (!root || !fs.existsSync(file)) return {};
    return {
      Program(node) {
        const group = circlesUnder(root).find((g) => g.includes(file));
        if (!group) return;
        const rel = (f) => path.relative(context.cwd, f);
        context.report({
          node,
          messageId: "circle",
          data: { file: rel(file), files: group.map(rel).join(", ") },
        });
      },
    };
  },
};

module.exports = { importGraph, circles, noImportCycle };
