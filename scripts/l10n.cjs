'use strict';
// `npm run l10n`: keeps the English strings ready for translation.
//  1. package.json → package.nls.json: every user-facing manifest string (command titles and
//     categories, view names, welcome content, settings descriptions, walkthrough texts) becomes a
//     `%key%` with its English text in package.nls.json. Strings that are already `%key%` are kept,
//     so it is safe to run again after anyone adds a command or a setting.
//  2. src/ → l10n/bundle.l10n.json with @vscode/l10n-dev (every vscode.l10n.t message).
// usage: node scripts/l10n.cjs [--manifest-only]
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const manifestFile = path.join(repoRoot, 'package.json');
const nlsFile = path.join(repoRoot, 'package.nls.json');
const L10N_DEV = '@vscode/l10n-dev@0.0.35';

const isKey = (v) => typeof v === 'string' && /^%[^%\s]+%$/.test(v);
const short = (id) => id.replace(/^veriff\./, '');

function localiseManifest() {
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const nls = fs.existsSync(nlsFile) ? JSON.parse(fs.readFileSync(nlsFile, 'utf8')) : {};
  let changed = 0;
  /** Moves obj[prop] into package.nls.json under `key` unless it is already a %key%. */
  const take = (obj, prop, key) => {
    const value = obj?.[prop];
    if (typeof value !== 'string' || isKey(value) || value.trim() === '') return;
    // A key taken by another text (a welcome entry inserted before others, say) gets a suffix.
    for (let n = 2; nls[key] !== undefined && nls[key] !== value; n++) key = `${key.replace(/~\d+$/, '')}~${n}`;
    nls[key] = value;
    obj[prop] = `%${key}%`;
    changed++;
  };
  const c = manifest.contributes ?? {};
  take(manifest.capabilities?.untrustedWorkspaces, 'description', 'capabilities.untrustedWorkspaces.description');
  for (const [place, containers] of Object.entries(c.viewsContainers ?? {})) {
    for (const container of containers) take(container, 'title', `viewsContainers.${place}.${short(container.id)}.title`);
  }
  for (const views of Object.values(c.views ?? {})) {
    for (const view of views) {
      take(view, 'name', `views.${short(view.id)}.name`);
      take(view, 'contextualTitle', `views.${short(view.id)}.contextualTitle`);
    }
  }
  const welcomeCount = {};
  for (const welcome of c.viewsWelcome ?? []) {
    const view = short(welcome.view);
    welcomeCount[view] = (welcomeCount[view] ?? 0) + 1;
    take(welcome, 'contents', `viewsWelcome.${view}.${welcomeCount[view]}`);
  }
  for (const command of c.commands ?? []) {
    take(command, 'title', `command.${short(command.command)}.title`);
    take(command, 'shortTitle', `command.${short(command.command)}.shortTitle`);
    if (typeof command.category === 'string') {
      take(command, 'category', `category.${command.category.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`);
    }
  }
  for (const section of Array.isArray(c.configuration) ? c.configuration : c.configuration ? [c.configuration] : []) {
    take(section, 'title', 'configuration.title');
    for (const [name, prop] of Object.entries(section.properties ?? {})) {
      const key = `configuration.${short(name)}`;
      for (const field of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) take(prop, field, `${key}.${field}`);
      (prop.enumDescriptions ?? []).forEach((_, i) => take(prop.enumDescriptions, i, `${key}.enumDescriptions.${prop.enum?.[i] ?? i}`));
      (prop.markdownEnumDescriptions ?? []).forEach((_, i) => take(prop.markdownEnumDescriptions, i, `${key}.markdownEnumDescriptions.${prop.enum?.[i] ?? i}`));
    }
  }
  for (const walkthrough of c.walkthroughs ?? []) {
    const key = `walkthrough.${short(walkthrough.id)}`;
    take(walkthrough, 'title', `${key}.title`);
    take(walkthrough, 'description', `${key}.description`);
    for (const s of walkthrough.steps ?? []) {
      take(s, 'title', `${key}.step.${s.id}.title`);
      take(s, 'description', `${key}.step.${s.id}.description`);
      take(s.media, 'altText', `${key}.step.${s.id}.altText`);
    }
  }
  if (manifest.l10n !== './l10n') {
    manifest.l10n = './l10n';
    changed++;
  }
  if (changed > 0) {
    fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  // Keys in manifest order; keys no longer used are dropped.
  const used = [];
  JSON.stringify(manifest, (_k, v) => {
    if (isKey(v)) used.push(v.slice(1, -1));
    return v;
  });
  const ordered = Object.fromEntries([...new Set(used)].map((k) => [k, nls[k]]));
  const missing = used.filter((k) => ordered[k] === undefined);
  if (missing.length) throw new Error(`package.json uses keys package.nls.json lacks: ${missing.join(', ')}`);
  fs.writeFileSync(nlsFile, `${JSON.stringify(ordered, null, 2)}\n`);
  console.log(`[l10n] package.json: ${changed} string(s) moved; package.nls.json has ${Object.keys(ordered).length} keys`);
}

function exportBundle() {
  const cli = require.resolve('@vscode/l10n-dev/dist/cli.js');
  const r = spawnSync(process.execPath, [cli, 'export', '--outDir', './l10n', './src'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${L10N_DEV} export failed:\n${r.stdout}${r.stderr}`);
  }
  const bundle = JSON.parse(fs.readFileSync(path.join(repoRoot, 'l10n', 'bundle.l10n.json'), 'utf8'));
  console.log(`[l10n] l10n/bundle.l10n.json: ${Object.keys(bundle).length} messages`);
}

try {
  localiseManifest();
  if (!process.argv.includes('--manifest-only')) exportBundle();
} catch (err) {
  console.error(`[l10n] ${err.message}`);
  process.exit(1);
}
