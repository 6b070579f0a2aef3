import * as vscode from 'vscode';
import { escapeRegExp } from '../../core/mask';
import { untilSeen } from '../../core/untilSeen';
import type { Services } from '../services';

/** How often, and how far apart, a reveal of the channel is asked for before giving up. */
const REVEAL_ATTEMPTS = 3;
const REVEAL_WAIT_MS = 1000;

/**
 * Shows the log in the Output panel (keeping focus where it is) and resolves whether it is showing.
 * VS Code drops a reveal that arrives around the workbench's start-up without a word (seen in about
 * 1 start in 5: "Veriff: Show Log" right after opening a window did nothing), so the reveal is
 * asked again until the channel is among the visible editors (an `output:` document).
 */
export async function showLog(services: Services): Promise<boolean> {
  const log = services.log;
  // The channel's document is named after the extension id and the channel's name in every VS Code
  // version: output:<ext id>.Veriff.log now, output:extension-output-<ext id>-#1-Veriff before.
  const name = new RegExp(`${escapeRegExp(log.extensionId)}.*[.-]${escapeRegExp(log.channel.name)}(\\.log)?$`, 'i');
  const showing = (): boolean => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'output' && name.test(decodeURIComponent(e.document.uri.path)));
  return untilSeen({
    act: () => log.reveal(),
    seen: showing,
    onChange: (listener) => vscode.window.onDidChangeVisibleTextEditors(listener),
    attempts: REVEAL_ATTEMPTS,
    waitMs: REVEAL_WAIT_MS,
  });
}
