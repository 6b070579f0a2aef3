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

export interface TypedQuickPickOptions<T extends vscode.QuickPickItem> {
  title?: string;
  placeHolder?: string;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
  ignoreFocusOut?: boolean;
  /** Items for the typed text; [] when it holds nothing usable. */
  itemsForValue(value: string): T[];
}

/** The inputs of UserInput that are built rather than called on VS Code (quickInputs.ts). */
export type BuiltInputs = Pick<UserInput, 'showInputStep' | 'showQuickPickWithTyped'>;

/** How long a status-bar note stays. */
export const STATUS_MESSAGE_MS = 5000;

/** VS Code's warning notification, for parts that only warn (the shared store). */
export const vscodeWarnings: Pick<UserInput, 'showWarningMessage'> = {
  showWarningMessage: (message, ...buttons) => Promise.resolve(vscode.window.showWarningMessage(message, ...buttons)),
};

/**
 * The UserInput of VS Code. Only command prompts use the built inputs: `built` loads them (with the
 * command bodies, dist/commands.js) when one is first shown.
 */
export function vscodeUserInput(built: () => BuiltInputs): UserInput {
  return {
    showQuickPick: ((items: readonly vscode.QuickPickItem[], options?: vscode.QuickPickOptions) =>
      Promise.resolve(vscode.window.showQuickPick(items, options))) as UserInput['showQuickPick'],
    showInputBox: (options) => Promise.resolve(vscode.window.showInputBox(options)),
    confirm: (message, detail, ...buttons) => Promise.resolve(vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons)),
    showInformationMessage: (message, ...buttons) => Promise.resolve(vscode.window.showInformationMessage(message, ...buttons)),
    showWarningMessage: vscodeWarnings.showWarningMessage,
    showErrorMessage: (message, ...buttons) => Promise.resolve(vscode.window.showErrorMessage(message, ...buttons)),
    showStatusMessage: (message, hideAfterMs = STATUS_MESSAGE_MS) => {
      vscode.window.setStatusBarMessage(message, hideAfterMs);
    },
    showOpenDialog: (options) => Promise.resolve(vscode.window.showOpenDialog(options)),
    showInputStep: (options) => built().showInputStep(options),
    showQuickPickWithTyped: (items, options) => built().showQuickPickWithTyped(items, options),
  };
}
