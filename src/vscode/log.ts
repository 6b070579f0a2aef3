import * as vscode from 'vscode';
import { redact, redactCredentials } from '../core/mask';
import { untilSeen } from '../core/untilSeen';

/** How often, and how far apart, a reveal of the channel is asked for before giving up. */
const REVEAL_ATTEMPTS = 3;
const REVEAL_WAIT_MS = 1000;

/**
 * The "Veriff" log output channel. Every line passes through `redact` first, so a secret that
 * slipped into a message (a pasted key, an echoed header) is masked before it is written.
 */
export class VeriffLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();
  /** The latest lines as written (already redacted), for the "recently deleted" history and tests. */
  private readonly recentLines: string[] = [];

  constructor(private readonly extensionId: string) {
    this.channel = vscode.window.createOutputChannel('Veriff', { log: true });
  }

  /** Registers values (API keys, shared secrets) that must never be written. */
  addSecret(value: string | undefined): void {
    if (value) {
      this.secrets.add(value);
    }
  }

  /**
   * Registered secrets masked by core's `redact` (any case, longest first), credentials written
   * into quoted command lines or URLs by `redactCredentials`; any 64-hex run is a signature.
   */
  private redact(text: string): string {
    return redactCredentials(redact(text, [...this.secrets])).replace(/\b[0-9a-f]{64}\b/gi, '<signature>');
  }

  private keep(level: string, line: string): string {
    this.recentLines.push(`[${level}] ${line}`);
    if (this.recentLines.length > 2000) {
      this.recentLines.splice(0, this.recentLines.length - 2000);
    }
    return line;
  }

  recent(): readonly string[] {
    return this.recentLines;
  }

  info(message: string): void {
    this.channel.info(this.keep('info', this.redact(message)));
  }
  warn(message: string): void {
    this.channel.warn(this.keep('warning', this.redact(message)));
  }
  error(message: string): void {
    this.channel.error(this.keep('error', this.redact(message)));
  }
  debug(message: string): void {
    this.channel.debug(this.keep('debug', this.redact(message)));
  }
  /**
   * Shows the channel in the Output panel (keeping focus where it is) and resolves whether it is
   * showing. VS Code drops a reveal that arrives around the workbench's start-up without a word (seen
   * in about 1 start in 5: "Veriff: Show Log" right after opening a window did nothing), so the
   * reveal is asked again until the channel is among the visible editors (an `output:` document).
   */
  show(): Promise<boolean> {
    // The channel's document is named after the extension id and the channel's name in every VS Code
    // version: output:<ext id>.Veriff.log now, output:extension-output-<ext id>-#1-Veriff before.
    const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const name = new RegExp(`${escape(this.extensionId)}.*[.-]${escape(this.channel.name)}(\\.log)?$`, 'i');
    const showing = (): boolean => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'output' && name.test(decodeURIComponent(e.document.uri.path)));
    return untilSeen({
      act: () => this.channel.show(true),
      seen: showing,
      onChange: (listener) => vscode.window.onDidChangeVisibleTextEditors(listener),
      attempts: REVEAL_ATTEMPTS,
      waitMs: REVEAL_WAIT_MS,
    });
  }
  dispose(): void {
    this.channel.dispose();
  }
}
