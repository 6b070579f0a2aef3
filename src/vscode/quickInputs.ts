import * as vscode from 'vscode';
import type { InputStepOptions, InputStepResult, TypedQuickPickOptions } from './userInput';

// The two inputs of UserInput built here rather than called on VS Code (see userInput.ts); only
// command prompts use them, so they ship with the command bodies.

export function showInputStep(options: InputStepOptions): Promise<InputStepResult> {
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

export function showQuickPickWithTyped<T extends vscode.QuickPickItem>(items: readonly T[], options: TypedQuickPickOptions<T>): Promise<T[] | undefined> {
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
