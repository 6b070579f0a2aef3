import * as vscode from 'vscode';

/**
 * Every prompt the extension shows goes through this seam, so extension-host tests can answer
 * quick picks, input boxes and modals with a script (see test/support/scriptedUserInput.ts).
 */
export interface UserInput {
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions & { canPickMany: true }): Promise<T[] | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options?: vscode.QuickPickOptions): Promise<T | undefined>;
  showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined>;
  /**
   * One step of a multi-step input (see multiStepInput.ts): "n/total" in the title, a Back button
   * from the second step on, the text checked when it changes and again before it is accepted.
   * Resolves to the accepted value, `back`, or undefined when dismissed.
   */
  showInputStep(options: InputStepOptions): Promise<InputStepResult>;
  /** A modal warning; returns the chosen button title. */
  confirm(message: string, detail: string, ...buttons: string[]): Promise<string | undefined>;
  showInformationMessage(message: string, ...buttons: string[]): Promise<string | undefined>;
  showWarningMessage(message: string, ...buttons: string[]): Promise<string | undefined>;
  showErrorMessage(message: string, ...buttons: string[]): Promise<string | undefined>;
  /** A routine success: a short note in the status bar (`window.setStatusBarMessage`), never a toast. */
  showStatusMessage(message: string, hideAfterMs?: number): void;
  showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined>;
  /**
   * A multi-select quick pick that also offers items made from what the user types (e.g. a pasted
   * id that is not in the list); they appear on top, checked. Resolves to the checked items, or
   * undefined when cancelled or nothing was checked.
   */
  showQuickPickWithTyped<T extends vscode.QuickPickItem>(items: readonly T[], options: TypedQuickPickOptions<T>): Promise<T[] | undefined>;
}

export interface InputStepOptions {
  title: string;
  /** 1-based. */
  step: number;
  totalSteps: number;
  prompt: string;
  placeholder?: string;
  value?: string;
  /** A masked box (API key, shared secret). */
  password?: boolean;
  /** A message when the value cannot be accepted. */
  validate?(value: string): string | undefined;
}

export type InputStepResult = { kind: 'value'; value: string } | { kind: 'back' } | undefined;

function showInputStep(options: InputStepOptions): Promise<InputStepResult> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.step = options.step;
    box.totalSteps = options.totalSteps;
    box.prompt = options.prompt;
    box.placeholder = options.placeholder;
    box.value = options.value ?? '';
    box.password = options.password ?? false;
    box.ignoreFocusOut = true;
    box.buttons = options.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    let settled = false;
    const finish = (result: InputStepResult): void => {
      if (!settled) {
        settled = true;
        resolve(result);
        box.dispose();
      }
    };
    box.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) {
        finish({ kind: 'back' });
      }
    });
    box.onDidChangeValue((value) => {
      box.validationMessage = value === '' ? undefined : options.validate?.(value);
    });
    box.onDidAccept(() => {
      const problem = options.validate?.(box.value);
      if (problem) {
        box.validationMessage = problem;
        return;
      }
      finish({ kind: 'value', value: box.value });
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

/** How long a status-bar note stays. */
export const STATUS_MESSAGE_MS = 5000;

export interface TypedQuickPickOptions<T extends vscode.QuickPickItem> {
  title?: string;
  placeHolder?: string;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
  ignoreFocusOut?: boolean;
  /** Items for the typed text; [] when it holds nothing usable. */
  itemsForValue(value: string): T[];
}

function showQuickPickWithTyped<T extends vscode.QuickPickItem>(items: readonly T[], options: TypedQuickPickOptions<T>): Promise<T[] | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = options.title;
    qp.placeholder = options.placeHolder;
    qp.canSelectMany = true;
    qp.matchOnDescription = options.matchOnDescription ?? false;
    qp.matchOnDetail = options.matchOnDetail ?? false;
    qp.ignoreFocusOut = options.ignoreFocusOut ?? false;
    qp.items = items;
    qp.selectedItems = items.filter((i) => i.picked);
    let typed: T[] = [];
    let settled = false;
    const finish = (value: T[] | undefined): void => {
      if (!settled) {
        settled = true;
        resolve(value);
        qp.dispose();
      }
    };
    qp.onDidChangeValue((value) => {
      const kept = qp.selectedItems.filter((i) => !typed.includes(i));
      typed = options.itemsForValue(value).map((i) => ({ ...i, alwaysShow: true }));
      qp.items = [...typed, ...items];
      qp.selectedItems = [...typed, ...kept];
    });
    qp.onDidAccept(() => finish(qp.selectedItems.length > 0 ? [...qp.selectedItems] : undefined));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

export const vscodeUserInput: UserInput = {
  showQuickPick: ((items: readonly vscode.QuickPickItem[], options?: vscode.QuickPickOptions) =>
    Promise.resolve(vscode.window.showQuickPick(items, options))) as UserInput['showQuickPick'],
  showInputBox: (options) => Promise.resolve(vscode.window.showInputBox(options)),
  showInputStep,
  confirm: (message, detail, ...buttons) => Promise.resolve(vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons)),
  showInformationMessage: (message, ...buttons) => Promise.resolve(vscode.window.showInformationMessage(message, ...buttons)),
  showWarningMessage: (message, ...buttons) => Promise.resolve(vscode.window.showWarningMessage(message, ...buttons)),
  showErrorMessage: (message, ...buttons) => Promise.resolve(vscode.window.showErrorMessage(message, ...buttons)),
  showStatusMessage: (message, hideAfterMs = STATUS_MESSAGE_MS) => {
    vscode.window.setStatusBarMessage(message, hideAfterMs);
  },
  showOpenDialog: (options) => Promise.resolve(vscode.window.showOpenDialog(options)),
  showQuickPickWithTyped,
};
