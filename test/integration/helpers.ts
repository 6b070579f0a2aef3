import * as vscode from 'vscode';
import type { VeriffTestSessionsApi } from '../../src/extension';
import type { Services } from '../../src/vscode/services';
import { ScriptedUserInput, type Answer } from '../support/scriptedUserInput';

export const EXTENSION_ID = 'veriff-test-sessions.veriff-test-sessions';

export async function extensionApi(): Promise<VeriffTestSessionsApi> {
  const ext = vscode.extensions.getExtension<VeriffTestSessionsApi>(EXTENSION_ID);
  if (!ext) {
    throw new Error(`${EXTENSION_ID} is not loaded`);
  }
  return ext.activate();
}

export async function services(): Promise<Services> {
  const api = await extensionApi();
  if (!api.testing) {
    throw new Error('test hooks are not exposed (extension not in test mode)');
  }
  return api.testing.services;
}

/** Installs a scripted user for the duration of `body`, then checks every answer was used. */
export async function withUser<T>(answers: Answer[], body: (user: ScriptedUserInput) => Thenable<T>): Promise<T> {
  const s = await services();
  const user = new ScriptedUserInput(answers);
  const previous = s.ui;
  s.ui = user;
  try {
    const result = await body(user);
    user.assertDone();
    return result;
  } finally {
    s.ui = previous;
  }
}

/** Removes every integration so each test starts from "no credentials". */
export async function removeAllIntegrations(): Promise<void> {
  const s = await services();
  for (const i of s.credentials.list()) {
    if (!i.environment) {
      await s.credentials.remove(i.id);
    }
  }
}

/** Polls `check` (which may be async) until it holds; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
