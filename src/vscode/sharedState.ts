import * as vscode from 'vscode';
import { serialisedGlobalState, type SerialisedMemento } from './serialisedMemento';
import { WindowSignal } from './windowSignal';

/**
 * JSON state in `globalState`, shared by every window of VS Code. globalState values follow other
 * windows' writes but raise no event, so each save also sends a WindowSignal, and the other
 * windows re-read the state. Writes go through the extension's one SerialisedMemento: writes of
 * different keys made at once would otherwise undo each other.
 */
export class SharedState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<unknown>();
  /** Fires with the new value when another window saved. */
  readonly onDidChangeElsewhere = this.changed.event;
  private readonly signal: WindowSignal;
  private readonly subscription: vscode.Disposable;
  private readonly globalState: SerialisedMemento;

  constructor(
    context: vscode.ExtensionContext,
    private readonly key: string,
  ) {
    this.globalState = serialisedGlobalState(context.globalState);
    this.signal = new WindowSignal(context.secrets, `veriff.signal.${key}`);
    this.subscription = this.signal.onDidSignalElsewhere(() => this.changed.fire(this.load()));
  }

  load(): unknown {
    return this.globalState.get<unknown>(this.key);
  }

  async save(value: unknown): Promise<void> {
    await this.globalState.update(this.key, value);
    await this.signal.send();
  }

  dispose(): void {
    this.subscription.dispose();
    this.signal.dispose();
    this.changed.dispose();
  }
}
