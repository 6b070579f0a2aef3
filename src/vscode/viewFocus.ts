import * as vscode from 'vscode';

/** How long a command waits for the extension host to know the selected rows again after a refresh. */
const SETTLE_MS = 500;
const SETTLE_STEP_MS = 20;

/**
 * A tree view's selection and whether the view has the keyboard focus, as far as an extension can
 * tell. VS Code does not report a view's focus (only `when` clauses see `focusedView`): a selection
 * change is a click or a key in the view; typing or clicking in an editor, another editor or a
 * terminal taking over, or the view closing moves the focus away.
 *
 * The selection needs care: `TreeView.selection` (and the selection of a change event) maps the
 * selected rows to the elements the extension host knows at that moment, and it forgets every
 * element when the tree refreshes as a whole, until VS Code has fetched the rows again. A Delete
 * key pressed in that window would see no selection, so `settledSelection` waits for them.
 */
export class ViewFocus<T> implements vscode.Disposable {
  private focused = false;
  /** The selection as the last change event reported it. */
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

  /** Whether the view (probably) has the focus: visible, and the last thing the user did was in it. */
  hasFocus(): boolean {
    return this.focused && this.view.visible;
  }

  /** The selection now: the view's, else what the last change event reported (the view may be refreshing). */
  selection(): readonly T[] {
    const live = this.view.selection;
    return live.length > 0 ? live : this.selected;
  }

  /** The view's selection while it has the focus; empty otherwise. */
  focusedSelection(): readonly T[] {
    return this.hasFocus() ? this.selection() : [];
  }

  /**
   * The selection once the extension host knows the selected rows again (a moment after a
   * refresh); the last reported selection if that takes too long; empty when nothing is selected.
   */
  async settledSelection(timeoutMs = SETTLE_MS): Promise<readonly T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const live = this.view.selection;
      if (live.length > 0) {
        return live;
      }
      if (Date.now() >= deadline) {
        return this.selected;
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}
