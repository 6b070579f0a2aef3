import * as vscode from 'vscode';

/**
 * Whether a tree view has the keyboard focus, as far as an extension can tell: VS Code does not
 * report a view's focus (only `when` clauses see `focusedView`). A selection change is a click or a
 * key in the view; typing or clicking in an editor, another editor or a terminal taking over, or the
 * view closing moves the focus away.
 */
export class ViewFocus<T> implements vscode.Disposable {
  private focused = false;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly view: vscode.TreeView<T>) {
    const blur = (): void => {
      this.focused = false;
    };
    this.subscriptions = [
      view.onDidChangeSelection((e) => {
        this.focused = e.selection.length > 0;
      }),
      view.onDidChangeVisibility((e) => {
        if (!e.visible) {
          blur();
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.kind === vscode.TextEditorSelectionChangeKind.Keyboard || e.kind === vscode.TextEditorSelectionChangeKind.Mouse) {
          blur();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor(blur),
      vscode.window.onDidChangeActiveNotebookEditor(blur),
      vscode.window.onDidChangeActiveTerminal(blur),
      vscode.window.onDidStartTerminalShellExecution(blur),
    ];
  }

  /** The view's selection while the view has the focus; empty otherwise. */
  focusedSelection(): readonly T[] {
    return this.focused && this.view.visible ? this.view.selection : [];
  }

  /** The view's selection, focus or not (for a keybinding whose `when` clause already required the focus). */
  selection(): readonly T[] {
    return this.view.selection;
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}
