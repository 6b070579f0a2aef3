import * as vscode from 'vscode';

/** The output of one finished shell-integration execution. */
export interface FinishedCommand {
  readonly terminal: vscode.Terminal;
  readonly commandLine: string;
  readonly output: string;
  readonly exitCode: number | undefined;
  /** False when the command started before the extension was listening: no output was captured. */
  readonly captured: boolean;
  /** True when the output was longer than the kept maximum and its beginning was dropped. */
  readonly truncated: boolean;
}

/** Minimal shapes of the shell-execution events, so tests can feed recorded executions. */
export interface ExecutionStart {
  readonly terminal: vscode.Terminal;
  readonly execution: Pick<vscode.TerminalShellExecution, 'commandLine' | 'read'>;
}
export interface ExecutionEnd extends ExecutionStart {
  readonly exitCode: number | undefined;
}

/** Characters kept per execution (the end is kept: a test run's summary comes last). */
const MAX_OUTPUT_CHARS = 16 * 1024 * 1024;
/** How long the end of an execution waits for its output stream to finish. */
const READ_SETTLE_MS = 3000;

interface Capture {
  chunks: string[];
  length: number;
  truncated: boolean;
  done: Promise<void>;
}

/**
 * Keeps the output of the last finished command per terminal, read through VS Code's shell
 * integration (`execution.read()`) from the moment each command starts. Listening starts at
 * activation: output of commands that started earlier cannot be read.
 */
export class TerminalOutputRecorder implements vscode.Disposable {
  private readonly running = new Map<ExecutionStart['execution'], Capture>();
  private readonly finished = new Map<vscode.Terminal, FinishedCommand>();
  private latest: FinishedCommand | undefined;
  private readonly settling = new Set<Promise<void>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly onError: (message: string) => void = () => undefined) {
    // Guarded: hosts without the shell-integration API (older VS Code, some web hosts) simply record nothing.
    const window = vscode.window as Partial<typeof vscode.window>;
    if (window.onDidStartTerminalShellExecution && window.onDidEndTerminalShellExecution) {
      this.subscriptions.push(
        window.onDidStartTerminalShellExecution((e) => this.handleStart(e)),
        window.onDidEndTerminalShellExecution((e) => void this.handleEnd(e)),
      );
    }
    this.subscriptions.push(
      vscode.window.onDidCloseTerminal((t) => {
        this.finished.delete(t);
        if (this.latest?.terminal === t) {
          this.latest = undefined;
        }
      }),
    );
  }

  /** Starts reading an execution's output; called when it starts. */
  handleStart(e: ExecutionStart): void {
    const capture: Capture = { chunks: [], length: 0, truncated: false, done: Promise.resolve() };
    capture.done = (async () => {
      try {
        for await (const data of e.execution.read()) {
          capture.chunks.push(data);
          capture.length += data.length;
          while (capture.length > MAX_OUTPUT_CHARS && capture.chunks.length > 1) {
            capture.length -= capture.chunks.shift()!.length;
            capture.truncated = true;
          }
        }
      } catch (err) {
        this.onError(`Reading terminal output failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
    this.running.set(e.execution, capture);
  }

  /** Records the finished execution once its output has been read to the end. */
  handleEnd(e: ExecutionEnd): Promise<void> {
    const settle = this.finish(e);
    this.settling.add(settle);
    return settle.finally(() => this.settling.delete(settle));
  }

  private async finish(e: ExecutionEnd): Promise<void> {
    const capture = this.running.get(e.execution);
    this.running.delete(e.execution);
    if (capture) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([capture.done, new Promise<void>((r) => (timer = setTimeout(r, READ_SETTLE_MS)))]);
      clearTimeout(timer);
    }
    const record: FinishedCommand = {
      terminal: e.terminal,
      commandLine: e.execution.commandLine?.value ?? '',
      output: capture ? capture.chunks.join('') : '',
      exitCode: e.exitCode,
      captured: capture !== undefined,
      truncated: capture?.truncated ?? false,
    };
    this.finished.set(e.terminal, record);
    this.latest = record;
  }

  /**
   * The last finished command of `terminal`, or, with no terminal given, of the most recent one.
   * Waits for executions that just ended to finish reading.
   */
  async lastCommand(terminal: vscode.Terminal | undefined): Promise<FinishedCommand | undefined> {
    await Promise.all([...this.settling]);
    return terminal ? this.finished.get(terminal) : this.latest;
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.running.clear();
    this.finished.clear();
    this.latest = undefined;
  }
}
