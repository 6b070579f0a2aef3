import * as vscode from 'vscode';
import { serialisedGlobalState, type SerialisedMemento } from './serialisedMemento';

/**
 * JSON state in `globalState`, shared by every window of VS Code. globalState values follow other
 * windows' writes but raise no event, so each save also touches a small secret: SecretStorage's
 * onDidChange fires in every window, and they re-read the state. Writes go through the extension's
 * one SerialisedMemento: writes of different keys made at once would otherwise undo each other.
 */
export class SharedState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<unknown>();
  /** Fires with the new value when another window saved. */
  readonly onDidChangeElsewhere = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private lastSignal: string | undefined;
  /** Signals this window wrote: a late onDidChange for one of them is not another window's save. */
  private readonly ownSignals = new Set<string>();
  private readonly globalState: SerialisedMemento;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly key: string,
  ) {
    this.globalState = serialisedGlobalState(context.globalState);
    this.subscription = context.secrets.onDidChange(async (e) => {
      if (e.key !== this.signalKey) {
        return;
      }
      const signal = await context.secrets.get(this.signalKey).then(undefined, () => undefined);
      if (signal !== undefined && signal !== this.lastSignal && !this.ownSignals.has(signal)) {
        this.lastSignal = signal;
        this.changed.fire(this.load());
      }
    });
  }

  private get signalKey(): string {
    return `veriff.signal.${this.key}`;
  }

  load(): unknown {
    return this.globalState.get<unknown>(this.key);
  }

  async save(value: unknown): Promise<void> {
    await this.globalState.update(this.key, value);
    this.lastSignal = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    this.ownSignals.add(this.lastSignal);
    if (this.ownSignals.size > 200) {
      this.ownSignals.delete(this.ownSignals.values().next().value as string);
    }
    await this.context.secrets.store(this.signalKey, this.lastSignal).then(undefined, () => undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
