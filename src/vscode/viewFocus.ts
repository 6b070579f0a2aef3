import * as vscode from 'vscode';

/**
 * A tree view's selection and whether the view has the keyboard focus, as far as an extension can
 * tell. VS Code does not report a view's focus (only `when` clauses see `focusedView`): a selection
 * change is a click or a key in the view; typing or clicking in an editor, another editor or a
 * terminal taking over, or the view closing moves the focus away.
 *
 * The selection needs care: `TreeView.selection` (and the selection of a change event) maps the
 * selected rows to the elements the extension host knows at that moment, and it forgets every
 * element when the tree refreshes as a whole, until VS Code has fetched the rows again. A Delete
 * key pressed in that window would see no selection, so `settledSelection` (sessionArgs.ts) waits for them.
 */
export class ViewFocus<T> implements vscode.Disposable {
  private focused = false;
  /** The selection as the last change event reported it. */
  private selected: readonly T[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(readonly view: vscode.TreeView<T>) {
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

  /** Whether the view (probably) has the focus: visible, and the last thing the user did was in it. */
  hasFocus(): boolean {
    return this.focused && this.view.visible;
  }

  /** The selection as the last change event reported it (the view's own may be empty while it refreshes: see sessionArgs.ts). */
  get reported(): readonly T[] {
    return this.selected;
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}
