import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// scripts/importCycles.cjs is plain JavaScript run from the repository root.
const { graph, cycles } = require(path.resolve(__dirname, '..', '..', '..', 'scripts', 'importCycles.cjs')) as {
  graph(): Map<string, string[]>;
  cycles(edges: Map<string, string[]>): string[][];
};

describe('import structure of src/', () => {
  it('has no import cycle (type-only imports count too)', () => {
    assert.deepEqual(cycles(graph()), []);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const edges = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', ['/a.ts']],
    ]);
    assert.equal(cycles(edges).length, 1);
    assert.equal(cycles(edges)[0].length, 3);
  });

  it('no command file imports another command file', () => {
    // The wiring: the ids with their names (registerCommands), the bodies by id (commandBodies, the
    // entry of dist/commands.js), its loader, and the one wrapper. Every other file is a command.
    const wiring = new Set(['registerCommands.ts', 'commandBodies.ts', 'loadCommands.ts', 'register.ts']);
    const isCommand = (file: string) => file.includes(`${path.sep}commands${path.sep}`) && !wiring.has(path.basename(file));
    const commands = [...graph()].filter(([file]) => isCommand(file));
    assert.ok(commands.length >= 20, `found ${commands.length} command files`);
    const offenders = commands.flatMap(([file, deps]) => deps.filter(isCommand).map((d) => `${path.basename(file)} → ${path.basename(d)}`));
    assert.deepEqual(offenders, []);
  });

  it('src/core imports neither vscode nor the adapters nor the sandbox (its rules run in plain Node)', () => {
    const core = path.resolve(__dirname, '..', '..', '..', 'src', 'core');
    const files = fs.readdirSync(core, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 40, `read ${files.length} files`);
    const specifier = /(?:from|import|require\()\s*['"]([^'"]+)['"]/g;
    const offenders = files.flatMap((file) =>
      [...fs.readFileSync(path.join(core, file), 'utf8').matchAll(specifier)]
        .map((m) => m[1])
        .filter((spec) => spec === 'vscode' || /(^|\/)(vscode|sandbox)(\/|$)/.test(path.relative(core, path.resolve(core, path.dirname(file), spec)).split(path.sep).join('/')) && spec.startsWith('.'))
        .map((spec) => `${file} → ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });
});
