import * as path from 'node:path';
import * as vscode from 'vscode';
import { findIdsInText, parseTrackingFileLines } from '../../../core/idExtraction';
import type { AddResult, SessionToTrack } from '../../../core/sessions';
import { answered } from '../../prompts';
import type { Services } from '../../services';
import { refuseWithoutCredentials, trackIds } from '../../tracking';

/** Larger files are refused: they are not test logs, and reading them would stall the extension host. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * "Veriff: Track Sessions from File…": every session id in logs, JSON or JSONL reports. Takes the
 * clicked file (and the explorer's multi-selection), or asks with an open dialog. Each file's
 * sessions are labelled with its name (a JSONL line's own `label`/`run` wins).
 */
export async function trackFile(services: Services, uri?: unknown, uris?: unknown): Promise<AddResult | undefined> {
  let files = Array.isArray(uris) && uris.every((u) => u instanceof vscode.Uri) && uris.length > 0 ? (uris as vscode.Uri[]) : uri instanceof vscode.Uri ? [uri] : undefined;
  if (!files) {
    if (!services.credentials.active()) {
      void refuseWithoutCredentials(services);
      return undefined;
    }
    files = await answered(services.ui.showOpenDialog({
      title: vscode.l10n.t('Veriff: Track Sessions from File'),
      openLabel: vscode.l10n.t('Track Sessions'),
      canSelectMany: true,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: {
        [vscode.l10n.t('Logs and reports')]: ['log', 'txt', 'json', 'jsonl', 'ndjson', 'xml', 'html', 'csv', 'out'],
        [vscode.l10n.t('All files')]: ['*'],
      },
    }));
  }
  const seeds: SessionToTrack[] = [];
  for (const file of files) {
    const name = path.posix.basename(file.path);
    const stat = await vscode.workspace.fs.stat(file);
    if (stat.size > MAX_FILE_BYTES) {
      services.log.warn(`${file.fsPath}: ${stat.size} bytes, larger than ${MAX_FILE_BYTES}: not read`);
      void services.ui.showWarningMessage(vscode.l10n.t('The file is too large to search for session ids (over 64 MB): {0}', name));
      continue;
    }
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    const found = idsInFile(name, text);
    services.log.info(`${file.fsPath}: ${found.length} session id(s) found`);
    seeds.push(...found.map((s) => ({ ...s, label: s.label ?? name })));
  }
  const label = files.length === 1 ? path.posix.basename(files[0].path) : undefined;
  return trackIds(services, { ids: seeds }, {
    source: 'file',
    label,
    from: files.length === 1 ? path.posix.basename(files[0].path) : vscode.l10n.t('the files'),
  });
}

/** A clean JSONL tracking file keeps its per-line labels; anything else is searched for UUIDs. */
function idsInFile(name: string, text: string): SessionToTrack[] {
  if (/\.(jsonl|ndjson)$/i.test(name)) {
    const parsed = parseTrackingFileLines(text, 1, { final: true });
    if (parsed.entries.length > 0 && parsed.malformed.length === 0) {
      return parsed.entries.map((e) => ({
        id: e.id,
        ...(e.label !== undefined ? { label: e.label } : {}),
        ...(e.vendorData !== undefined ? { vendorData: e.vendorData } : {}),
      }));
    }
  }
  return findIdsInText(text).ids.map((id) => ({ id }));
}
