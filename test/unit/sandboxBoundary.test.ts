// src/sandbox is a part of its own (dist/sandbox.js, loaded lazily): it builds on src/core only, and
// the extension reaches it only through src/vscode/sandbox/loadSandbox.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');
const STATEMENT = /(?:^|\n)\s*(import|export)\s([^;]*?)\sfrom\s+['"]([^'"]+)['"]/g;

interface Import {
  file: string;
  /** Resolved path without extension for relative imports, else the bare specifier. */
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string, text: string): Import[] {
  return [...text.matchAll(STATEMENT)].map(([, , clause, spec]) => {
    const named = /^\{([^}]*)\}$/.exec(clause.trim());
    const typeOnly = clause.trim().startsWith('type ') || (named !== null && named[1].split(',').every((n) => !n.trim() || n.trim().startsWith('type ')));
    const target = spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec;
    return { file, target, typeOnly };
  });
}

const inside = (p: string, dir: string): boolean => p === dir || p.startsWith(dir + path.sep);

/** What breaks the boundary, as "file → import" lines. */
function violations(imports: Import[]): string[] {
  const sandbox = path.join(SRC, 'sandbox');
  const core = path.join(SRC, 'core');
  const show = (i: Import): string => `${path.relative(SRC, i.file)} → ${inside(i.target, SRC) ? path.relative(SRC, i.target) : i.target}`;
  return imports
    .filter((i) => {
      if (inside(i.file, sandbox)) {
        return i.target.startsWith(SRC) ? !inside(i.target, sandbox) && !inside(i.target, core) : !i.target.startsWith('node:');
      }
      if (inside(i.file, core)) {
        return inside(i.target, sandbox);
      }
      return inside(i.target, sandbox) && !i.typeOnly;
    })
    .map(show);
}

describe('src/sandbox as a part of its own', () => {
  const all = sourceFiles(SRC).flatMap((f) => importsOf(f, fs.readFileSync(f, 'utf8')));

  it('imports only src/core and Node; src/core never imports it; the rest of the extension imports only its types', () => {
    assert.ok(all.some((i) => inside(i.file, path.join(SRC, 'sandbox'))), 'src/sandbox has files');
    assert.deepEqual(violations(all), []);
  });

  it('the extension loads it through one require, in loadSandbox.ts', () => {
    const requiring = sourceFiles(SRC).filter((f) => /require\(['"][./]*(?:\.\.\/)+sandbox['"]\)/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(requiring.map((f) => path.relative(SRC, f)), [path.join('vscode', 'sandbox', 'loadSandbox.ts')]);
  });

  it('finds a value import across the boundary (the check can fail)', () => {
    const fake = (file: string, text: string): Import[] => importsOf(path.join(SRC, file), text);
    const bad = [
      ...fake('sandbox/x.ts', "import * as vscode from 'vscode';"),
      ...fake('sandbox/y.ts', "import { VeriffLog } from '../vscode/log';"),
      ...fake('core/z.ts', "import type { SandboxState } from '../sandbox/sandboxState';"),
      ...fake('vscode/w.ts', "import { VeriffServer, type VeriffServerOptions } from '../sandbox/veriffServer';"),
    ];
    const fine = [
      ...fake('sandbox/a.ts', "import { sign } from '../core/signing';\nimport { createServer } from 'node:http';"),
      ...fake('vscode/b.ts', "import type { VeriffServer } from '../sandbox/veriffServer';\nimport { type SandboxSession } from '../sandbox/sessionModel';"),
    ];
    assert.equal(violations(bad).length, 4);
    assert.deepEqual(violations(fine), []);
  });
});
