import * as vscode from 'vscode';

/**
 * Whether a tree view has the keyboard focus, as far as an extension can tell: VS Code does not
 * report a view's focus (only `when` clauses see `focusedView`). A selection change is a click or a
 * key in the view; typing or clicking in an editor, another editor or a terminal taking over, or the
 * view closing moves the focus away.
 */
export class ViewFocus<T> implements vscode.Disposable {
  private focused = false;
  /**
   * The selection as its change events reported it. `TreeView.selection` maps the selected handles
   * to elements the extension host knows at that moment, which it forgets while the tree re-renders
   * after a full refresh: a Delete key pressed then would see no selection.
   */
  private selected: readonly T[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly view: vscode.TreeView<T>) {
    this.selected = view.selection;
    const blur = (): void => {
      this.focused = false;
    };
    this.subscriptions = [
      view.onDidChangeSelection((e) => {
        this.selected = e.selection;
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
    return this.focused && this.view.visible ? this.selected : [];
  }

  /** The view's selection, focus or not (for a keybinding whose `when` clause already required the focus). */
  selection(): readonly T[] {
    return this.selected;
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}
