import * as vscode from 'vscode';
import { OutputTail } from '../core/outputTail';

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

/** How long the end of an execution waits for its output stream to finish. */
const READ_SETTLE_MS = 3000;

interface Capture {
  terminal: vscode.Terminal;
  tail: OutputTail;
  done: Promise<void>;
}

/**
 * Keeps the output of the last finished command per terminal (its last 1 MiB: see OutputTail),
 * read through VS Code's shell integration (`execution.read()`) from the moment each command
 * starts. Listening starts at activation: output of commands that started earlier cannot be read.
 */
export class TerminalOutputRecorder implements vscode.Disposable {
  private readonly running = new Map<ExecutionStart['execution'], Capture>();
  /** Per open terminal its last finished command; the most recent one last. */
  private readonly finished = new Map<vscode.Terminal, FinishedCommand>();
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
        // An execution whose end never came (the terminal was killed) is dropped with its terminal.
        for (const [execution, capture] of this.running) {
          if (capture.terminal === t) {
            this.running.delete(execution);
          }
        }
      }),
    );
  }

  /** Starts reading an execution's output; called when it starts. */
  handleStart(e: ExecutionStart): void {
    const capture: Capture = { terminal: e.terminal, tail: new OutputTail(), done: Promise.resolve() };
    capture.done = (async () => {
      try {
        for await (const data of e.execution.read()) {
          capture.tail.push(data);
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
      output: capture ? capture.tail.text() : '',
      exitCode: e.exitCode,
      captured: capture !== undefined,
      truncated: capture?.tail.truncated ?? false,
    };
    this.finished.delete(e.terminal); // re-inserted last: the most recent
    this.finished.set(e.terminal, record);
  }

  /**
   * The last finished command of `terminal`, or, with no terminal given, of the open terminal that
   * finished one most recently (a closed terminal's output is dropped with it).
   * Waits for executions that just ended to finish reading.
   */
  async lastCommand(terminal: vscode.Terminal | undefined): Promise<FinishedCommand | undefined> {
    await Promise.all([...this.settling]);
    return terminal ? this.finished.get(terminal) : [...this.finished.values()].at(-1);
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.running.clear();
    this.finished.clear();
  }
}
