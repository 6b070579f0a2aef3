// The English strings are ready for translation: manifest strings through package.nls.json, code
// strings (vscode.l10n.t) in l10n/bundle.l10n.json. `npm run l10n` regenerates both.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const readJson = (file: string): any => JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'));
const isKey = (v: unknown): v is string => typeof v === 'string' && /^%[^%\s]+%$/.test(v);

/** Every string value in a JSON tree, with its path. */
function strings(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

/** The message of every `l10n.t(…)` call in src/, and the calls whose message is not a literal. */
function l10nMessages(): { messages: Set<string>; nonLiteral: string[] } {
  const messages = new Set<string>();
  const nonLiteral: string[] = [];
  const files = fs
    .readdirSync(path.join(repoRoot, 'src'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const full = path.join(repoRoot, 'src', file);
    const source = ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 't' &&
        /(^|\.)l10n$/.test(node.expression.expression.getText(source))
      ) {
        const first = node.arguments[0];
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
          messages.add(first.text);
        } else {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          nonLiteral.push(`src/${file}:${line + 1}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { messages, nonLiteral };
}

describe('localisation: package.nls.json and l10n/bundle.l10n.json', () => {
  const manifest = readJson('package.json');
  const nls: Record<string, string> = readJson('package.nls.json');

  it('points VS Code at l10n/ and ships it', () => {
    assert.equal(manifest.l10n, './l10n');
    assert.ok(fs.existsSync(path.join(repoRoot, 'l10n', 'bundle.l10n.json')));
    const ignore = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!l10n\/\*\*$/m);
    assert.match(ignore, /^!package\.nls\*\.json$/m);
  });

  it('every %key% in package.json has its English text in package.nls.json, and no key is unused', () => {
    const used = strings(manifest).filter(([, v]) => isKey(v)).map(([, v]) => v.slice(1, -1));
    assert.ok(used.length > 40, `manifest uses ${used.length} keys`);
    assert.deepEqual(used.filter((k) => typeof nls[k] !== 'string' || nls[k].trim() === ''), [], 'keys without English text');
    assert.deepEqual(Object.keys(nls).filter((k) => !used.includes(k)), [], 'unused keys in package.nls.json');
  });

  it('leaves no user-facing manifest text outside package.nls.json', () => {
    const c = manifest.contributes;
    const userFacing = strings(c).filter(([at]) =>
      /^commands\[\d+\]\.(title|shortTitle|category)$/.test(at) ||
      /^viewsContainers\.\w+\[\d+\]\.title$/.test(at) ||
      /^views\.\w+\[\d+\]\.(name|contextualTitle)$/.test(at) ||
      /^viewsWelcome\[\d+\]\.contents$/.test(at) ||
      /^configuration\.(title|properties\.[\w.]+\.(description|markdownDescription|enumDescriptions\[\d+\]|markdownEnumDescriptions\[\d+\]))$/.test(at) ||
      /^walkthroughs\[\d+\]\.(title|description|steps\[\d+\]\.(title|description))$/.test(at),
    );
    assert.ok(userFacing.length > 40, `found ${userFacing.length} user-facing strings`);
    assert.deepEqual(userFacing.filter(([, v]) => !isKey(v)), [], 'run `npm run l10n` to move these into package.nls.json');
  });

  it('resolves command titles to the English text the palette shows', () => {
    const title = (id: string): string => {
      const command = manifest.contributes.commands.find((x: { command: string }) => x.command === id);
      assert.ok(command, id);
      return `${nls[command.category.slice(1, -1)]}: ${nls[command.title.slice(1, -1)]}`;
    };
    assert.equal(title('veriff.showLog'), 'Veriff: Show Log');
    assert.equal(title('veriff.deleteSession'), 'Veriff: Delete Session');
    assert.equal(title('veriff.tidyUp'), 'Veriff: Tidy Up Test Sessions');
  });

  it('l10n/bundle.l10n.json holds exactly the vscode.l10n.t messages of src/', () => {
    const bundle: Record<string, string> = readJson('l10n/bundle.l10n.json');
    const { messages, nonLiteral } = l10nMessages();
    assert.deepEqual(nonLiteral, [], 'l10n.t needs a literal message to be extracted');
    assert.ok(messages.size > 100, `found ${messages.size} messages`);
    const missing = [...messages].filter((m) => !(m in bundle));
    assert.deepEqual(missing, [], 'messages missing from the bundle: run `npm run l10n`');
    assert.deepEqual(Object.keys(bundle).filter((k) => !messages.has(k)), [], 'stale messages in the bundle: run `npm run l10n`');
    assert.ok(Object.entries(bundle).every(([k, v]) => k === v), 'the bundle is the English source');
  });
});
