'use strict';
// Lists import cycles among the TypeScript files under src/ (type-only imports count too: they
// still tie the files' designs together). Exit 1 when there is any. usage: node scripts/importCycles.cjs
const fs = require('node:fs');
const path = require('node:path');

const SRC = path.resolve(__dirname, '..', 'src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function graph() {
  const edges = new Map();
  for (const file of files(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const deps = new Set();
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(file, m[1]);
      if (target) deps.add(target);
    }
    edges.set(file, [...deps]);
  }
  return edges;
}

/** Strongly connected components with more than one file (Tarjan), each a cycle group. */
function cycles(edges) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const groups = [];
  const visit = (v) => {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!meta.has(w)) {
        visit(w);
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
      } else if (meta.get(w).onStack) {
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
      }
    }
    if (meta.get(v).low === meta.get(v).index) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        meta.get(w).onStack = false;
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (edges.get(v) ?? []).includes(v)) groups.push(group.map((f) => path.relative(SRC, f)).sort());
    }
  };
  for (const v of edges.keys()) if (!meta.has(v)) visit(v);
  return groups;
}

if (require.main === module) {
  const groups = cycles(graph());
  for (const g of groups) console.log(`cycle of ${g.length} files: ${g.join(', ')}`);
  console.log(groups.length === 0 ? 'no import cycles in src/' : `${groups.length} import cycle group(s) in src/`);
  process.exit(groups.length === 0 ? 0 : 1);
}

module.exports = { graph, cycles };
