import * as vscode from 'vscode';
import { redact, redactCredentials } from '../core/mask';

type Level = 'info' | 'warn' | 'error' | 'debug';

/**
 * The "Veriff" log output channel. Every line passes through `redact` first, so a secret that
 * slipped into a message (a pasted key, an echoed header) is masked before it is written.
 */
export class VeriffLog implements vscode.Disposable {
  private created: vscode.LogOutputChannel | undefined;
  /** Lines written before the channel exists, in order (it is created right after activation). */
  private readonly early: Array<[Level, string]> = [];
  private readonly creating: ReturnType<typeof setImmediate>;
  private readonly secrets = new Set<string>();
  /** The latest lines as written (already redacted), for the "recently deleted" history and tests. */
  private readonly recentLines: string[] = [];

  constructor(readonly extensionId: string) {
    // Creating the output channel is a round trip to the workbench that activation need not wait
    // for: lines written meanwhile are kept (redacted, like every line) and written when it exists.
    this.creating = setImmediate(() => this.channel);
  }

  /** The output channel, created on first use. */
  get channel(): vscode.LogOutputChannel {
    if (!this.created) {
      this.created = vscode.window.createOutputChannel('Veriff', { log: true });
      for (const [level, line] of this.early.splice(0)) {
        this.created[level](line);
      }
    }
    return this.created;
  }

  private write(level: Level, line: string): void {
    if (this.created) {
      this.created[level](line);
    } else {
      this.early.push([level, line]);
    }
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
    this.write('info', this.keep('info', this.redact(message)));
  }
  warn(message: string): void {
    this.write('warn', this.keep('warning', this.redact(message)));
  }
  error(message: string): void {
    this.write('error', this.keep('error', this.redact(message)));
  }
  debug(message: string): void {
    this.write('debug', this.keep('debug', this.redact(message)));
  }
  /**
   * Shows the channel in the Output panel, keeping focus where it is. "Veriff: Show Log" (and every
   * "Show Log" button, which runs it) also checks that VS Code showed it: see commands/showLog.ts.
   */
  reveal(): void {
    this.channel.show(true);
  }
  dispose(): void {
    clearImmediate(this.creating);
    this.created?.dispose();
  }
}
