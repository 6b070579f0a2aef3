import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeTrackingProblem, type TrackingEntry } from '../core/idExtraction';
import { nodeFileSource, readTrackingFile, type TrackingFileSource } from '../core/trackingFileReader';
import type { SessionToTrack } from '../core/sessions';
import type { Integration } from './credentials';
import type { Services } from './services';
import { trackIds } from './tracking';

/** What reading a tracking file from an offset came to: nothing new, read up to `position`, or waiting for credentials. */
export type ImportResult = { kind: 'unchanged' } | { kind: 'waiting' } | { kind: 'read'; position: unknown };

/**
 * Reads what was appended to a tracking file after `offset` and tracks its sessions (the reading
 * half of trackingFileWatcher.ts, in dist/tracking.js). Problems and the read are logged.
 */
export async function importAppended(services: Services, uri: vscode.Uri, where: string, offset: unknown): Promise<ImportResult> {
  const started = performance.now();
  const result = await readTrackingFile(source(uri), offset);
  if (!result) {
    return { kind: 'unchanged' }; // deleted meanwhile, or nothing new
  }
  if (result.restarted !== undefined) {
    services.log.info(`Tracking file ${where} ${result.restarted}: reading it from the start`);
  }
  for (const p of result.problems) {
    services.log.warn(`Tracking file ${where}: ${describeTrackingProblem(p)}`);
  }
  if (result.entries.length > 0) {
    const tracked = await track(services, uri, where, result.entries);
    if (!tracked) {
      return { kind: 'waiting' };
    }
  }
  services.log.debug(
    `Tracking file ${where}: read ${result.consumed} bytes to line ${result.position.line - 1} in ${(performance.now() - started).toFixed(0)} ms` +
      (result.partialLine ? ' (an unfinished last line waits for its line break)' : ''),
  );
  return { kind: 'read', position: result.position };
}

/** Returns false, changing nothing, when there is no integration to track into. */
async function track(services: Services, uri: vscode.Uri, where: string, entries: TrackingEntry[]): Promise<boolean> {
  const folderName = path.posix.basename(path.posix.dirname(uri.path));
  const active = services.credentials.active();
  const groups = new Map<Integration, SessionToTrack[]>();
  for (const entry of entries) {
    const integration = entry.integration !== undefined ? services.credentials.find(entry.integration) : active;
    if (!integration) {
      if (entry.integration !== undefined) {
        services.log.warn(`Tracking file ${where}:${entry.line}: line ignored, no integration is named "${entry.integration}"`);
        continue;
      }
      services.log.warn(`Tracking file ${where}: not read yet, no Veriff integration is set up; it is read once credentials are set`);
      return false;
    }
    let seeds = groups.get(integration);
    if (!seeds) {
      seeds = [];
      groups.set(integration, seeds);
    }
    seeds.push({
      id: entry.id,
      label: entry.label ?? folderName,
      ...(entry.vendorData !== undefined ? { vendorData: entry.vendorData } : {}),
    });
  }
  for (const integration of groups.keys()) {
    const secrets = await services.credentials.getSecrets(integration);
    if (!secrets) {
      services.log.warn(`Tracking file ${where}: not read yet, integration "${integration.name}" has no credentials`);
      return false;
    }
  }
  for (const [integration, seeds] of groups) {
    await trackIds(services, { ids: seeds }, { source: 'trackingFile', label: folderName, integration, notify: 'status' });
  }
  return true;
}

/** The file on disk, or through VS Code's file system for other schemes (virtual workspaces). */
function source(uri: vscode.Uri): TrackingFileSource {
  if (uri.scheme === 'file') {
    return nodeFileSource(uri.fsPath);
  }
  return {
    stat: () => Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined),
    read: async (start, end) => (end <= start ? new Uint8Array(0) : (await vscode.workspace.fs.readFile(uri)).subarray(start, end)),
  };
}
