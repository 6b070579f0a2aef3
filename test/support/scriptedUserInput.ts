// A scripted user for extension-host tests (after microsoft/vscode-azuretools' TestUserInput):
// each prompt the extension shows takes the next scripted answer, and a test fails if an answer is
// left unused or a prompt comes that the script did not expect.
import type * as vscode from 'vscode';
import type { InputStepOptions, InputStepResult, TypedQuickPickOptions, UserInput } from '../../src/vscode/userInput';

export type Answer =
  | { pick: string | RegExp | Array<string | RegExp> }
  | { input: string }
  | { confirm: string | undefined }
  | { message: string }
  | { open: vscode.Uri[] }
  /** For showQuickPickWithTyped: types `typed`, then checks `pick` (default: the items made from the typed text). */
  | { typed: string; pick?: string | RegExp | Array<string | RegExp> }
  /** The Back button of a multi-step input. */
  | { back: true }
  | 'cancel';

export interface Shown {
  kind: 'quickPick' | 'inputBox' | 'confirm' | 'info' | 'warning' | 'error' | 'openDialog' | 'status';
  text: string;
  /** Quick-pick items, input-box prompt/value or buttons, as the user would have seen them. */
  detail: string[];
  /** A multi-step input's "n/total" and title. */
  step?: string;
}

function matches(label: string, p: string | RegExp): boolean {
  return typeof p === 'string' ? label === p || label.includes(p) : p.test(label);
}

export class ScriptedUserInput implements UserInput {
  readonly shown: Shown[] = [];
  readonly validationMessages: string[] = [];
  private readonly answers: Answer[];

  constructor(answers: Answer[] = []) {
    this.answers = [...answers];
  }

  push(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  assertDone(): void {
    if (this.answers.length > 0) {
      throw new Error(`Scripted answers left unused: ${JSON.stringify(this.answers)}`);
    }
  }

  /** Notifications (toasts) shown, or the prompts/notes of one kind (`status`: status-bar notes). */
  messages(kind?: Shown['kind']): string[] {
    return this.shown.filter((s) => (kind ? s.kind === kind : ['info', 'warning', 'error'].includes(s.kind))).map((s) => s.text);
  }

  private next(kind: Shown['kind'], text: string): Answer {
    const answer = this.answers.shift();
    if (answer === undefined) {
      throw new Error(`Unexpected ${kind} prompt "${text}": no scripted answer left`);
    }
    return answer;
  }

  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options?: vscode.QuickPickOptions): Promise<any> {
    const text = options?.title ?? options?.placeHolder ?? '';
    this.shown.push({ kind: 'quickPick', text, detail: items.map((i) => `${i.label}${i.description ? ` — ${i.description}` : ''}`) });
    const answer = this.next('quickPick', text);
    if (answer === 'cancel') {
      return Promise.resolve(undefined);
    }
    if (!('pick' in answer) || 'typed' in answer || answer.pick === undefined) {
      throw new Error(`Quick pick "${text}" got answer ${JSON.stringify(answer)}`);
    }
    const wanted = Array.isArray(answer.pick) ? answer.pick : [answer.pick];
    const picked = wanted.map((w) => {
      const item = items.find((i) => matches(i.label, w) || (i.description ? matches(i.description, w) : false));
      if (!item) {
        throw new Error(`Quick pick "${text}" has no item ${w}; items: ${items.map((i) => i.label).join(' | ')}`);
      }
      return item;
    });
    return Promise.resolve(options?.canPickMany ? picked : picked[0]);
  }

  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    const text = options.prompt ?? options.title ?? '';
    this.shown.push({ kind: 'inputBox', text, detail: [options.password ? '(password)' : options.value ?? ''] });
    const answer = this.next('inputBox', text);
    if (answer === 'cancel') {
      return undefined;
    }
    if (!('input' in answer)) {
      throw new Error(`Input box "${text}" got answer ${JSON.stringify(answer)}`);
    }
    const problem = await options.validateInput?.(answer.input);
    const message = typeof problem === 'string' ? problem : problem?.message;
    if (message) {
      // A real input box would not accept the text; the scripted user gives up (Escape).
      this.validationMessages.push(message);
      return undefined;
    }
    return answer.input;
  }

  /**
   * Like a real multi-step input box: text that does not validate is not accepted, its message is
   * recorded and the next scripted answer is typed into the same step.
   */
  async showInputStep(options: InputStepOptions): Promise<InputStepResult> {
    const text = options.prompt;
    for (;;) {
      this.shown.push({
        kind: 'inputBox',
        text,
        detail: [options.password ? '(password)' : (options.value ?? '')],
        step: `${options.step}/${options.totalSteps} ${options.title}`,
      });
      const answer = this.next('inputBox', text);
      if (answer === 'cancel') {
        return undefined;
      }
      if ('back' in answer) {
        if (options.step <= 1) {
          throw new Error(`Input step "${text}" (${options.step}/${options.totalSteps}) has no Back button`);
        }
        return { kind: 'back' };
      }
      if (!('input' in answer)) {
        throw new Error(`Input step "${text}" got answer ${JSON.stringify(answer)}`);
      }
      const problem = options.validate?.(answer.input);
      if (!problem) {
        return { kind: 'value', value: answer.input };
      }
      this.validationMessages.push(problem);
    }
  }

  async confirm(message: string, detail: string, ...buttons: string[]): Promise<string | undefined> {
    this.shown.push({ kind: 'confirm', text: `${message} ${detail}`, detail: buttons });
    const answer = this.next('confirm', message);
    if (answer === 'cancel') {
      return undefined;
    }
    if (!('confirm' in answer)) {
      throw new Error(`Modal "${message}" got answer ${JSON.stringify(answer)}`);
    }
    if (answer.confirm !== undefined && !buttons.includes(answer.confirm)) {
      throw new Error(`Modal "${message}" has no button ${answer.confirm}; buttons: ${buttons.join(', ')}`);
    }
    return answer.confirm;
  }

  /** Notifications still open (their promises pending), as in VS Code until the user closes them. */
  private readonly open: Array<() => void> = [];

  get openNotifications(): number {
    return this.open.length;
  }

  /** The user closes every open notification: their promises resolve to undefined. */
  dismissAll(): void {
    for (const close of this.open.splice(0)) {
      close();
    }
  }

  private notify(kind: 'info' | 'warning' | 'error', message: string, buttons: string[]): Promise<string | undefined> {
    this.shown.push({ kind, text: message, detail: buttons });
    // Like VS Code: a notification takes an answer only when the script's next one is a click on
    // one of its buttons; otherwise its promise stays pending until it is dismissed.
    const answer = this.answers[0];
    if (answer && answer !== 'cancel' && 'message' in answer && buttons.includes(answer.message)) {
      this.answers.shift();
      return Promise.resolve(answer.message);
    }
    return new Promise((resolve) => this.open.push(() => resolve(undefined)));
  }

  showInformationMessage(message: string, ...buttons: string[]): Promise<string | undefined> {
    return this.notify('info', message, buttons);
  }
  showWarningMessage(message: string, ...buttons: string[]): Promise<string | undefined> {
    return this.notify('warning', message, buttons);
  }
  showErrorMessage(message: string, ...buttons: string[]): Promise<string | undefined> {
    return this.notify('error', message, buttons);
  }

  /** A status-bar note takes no answer and needs no dismissing. */
  showStatusMessage(message: string): void {
    this.shown.push({ kind: 'status', text: message, detail: [] });
  }

  async showQuickPickWithTyped<T extends vscode.QuickPickItem>(items: readonly T[], options: TypedQuickPickOptions<T>): Promise<T[] | undefined> {
    const text = options.title ?? options.placeHolder ?? '';
    const describe = (list: readonly T[]) => list.map((i) => `${i.label}${i.description ? ` — ${i.description}` : ''}`);
    this.shown.push({ kind: 'quickPick', text, detail: describe(items) });
    const answer = this.next('quickPick', text);
    if (answer === 'cancel') {
      return undefined;
    }
    let all: readonly T[] = items;
    let wanted: Array<string | RegExp>;
    if ('typed' in answer) {
      const typed = options.itemsForValue(answer.typed);
      all = [...typed, ...items];
      this.shown.push({ kind: 'quickPick', text: `${text} (typed ${answer.typed})`, detail: describe(all) });
      if (answer.pick === undefined) {
        return typed.length > 0 ? typed : undefined;
      }
      wanted = Array.isArray(answer.pick) ? answer.pick : [answer.pick];
    } else if ('pick' in answer) {
      wanted = Array.isArray(answer.pick) ? answer.pick : [answer.pick];
    } else {
      throw new Error(`Quick pick "${text}" got answer ${JSON.stringify(answer)}`);
    }
    const picked = wanted.map((w) => {
      const item = all.find((i) => matches(i.label, w) || (i.description ? matches(i.description, w) : false));
      if (!item) {
        throw new Error(`Quick pick "${text}" has no item ${w}; items: ${all.map((i) => i.label).join(' | ')}`);
      }
      return item;
    });
    return picked.length > 0 ? picked : undefined;
  }

  async showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    this.shown.push({ kind: 'openDialog', text: options.title ?? '', detail: [] });
    const answer = this.next('openDialog', options.title ?? '');
    if (answer === 'cancel') {
      return undefined;
    }
    if (!('open' in answer)) {
      throw new Error(`Open dialog got answer ${JSON.stringify(answer)}`);
    }
    return answer.open;
  }
}
