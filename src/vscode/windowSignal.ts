import * as vscode from 'vscode';

/**
 * A small secret that one window writes after saving shared state, so that the others hear of it:
 * SecretStorage's onDidChange fires in every window of VS Code (globalState and files raise no
 * such event). Each value is new; the values this window wrote are remembered, so a late
 * onDidChange for one of them is not taken for another window's save.
 */
export class WindowSignal implements vscode.Disposable {
  private readonly fired = new vscode.EventEmitter<void>();
  /** Fires when another window signalled. */
  readonly onDidSignalElsewhere = this.fired.event;
  private readonly subscription: vscode.Disposable;
  private last: string | undefined;
  private readonly own = new Set<string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    readonly key: string,
  ) {
    this.subscription = secrets.onDidChange(async (e) => {
      if (e.key !== key) {
        return;
      }
      const value = await secrets.get(key).then(undefined, () => undefined);
      if (value !== undefined && value !== this.last && !this.own.has(value)) {
        this.last = value;
        this.fired.fire();
      }
    });
  }

  /** Tells the other windows; never fails (a keyring that cannot be written only means no sync). */
  async send(): Promise<void> {
    this.last = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    this.own.add(this.last);
    if (this.own.size > 200) {
      this.own.delete(this.own.values().next().value as string);
    }
    await this.secrets.store(this.key, this.last).then(undefined, () => undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.fired.dispose();
  }
}
