import * as fs from 'node:fs';
import * as path from 'node:path';
// Shared set-up of the delete-budget and tidy-up integration tests: the mock Veriff, whose rate
// limit follows a ManualClock, and the extension's BudgetService moved onto that same clock with
// FakeTimers, so a test moves time for both sides at once.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { systemClock } from '../../src/core/clock';
import { systemTimers } from '../../src/core/timers';
import type { VeriffStatus } from '../../src/core/status';
import type { BudgetService } from '../../src/vscode/budget/budgetService';
import { BUDGET_STATE_KEY, QUEUE_STATE_KEY } from '../../src/vscode/budget/budgetStoreSync';
import { clockText } from '../../src/vscode/budget/budgetText';
import { LEASE_STATE_KEY } from '../../src/vscode/budget/queueLease';
import { apiKeyFingerprint } from '../../src/vscode/credentials';
import type { BudgetStatusBar } from '../../src/vscode/budget/budgetStatusBar';
import type { Services } from '../../src/vscode/services';
import { FakeTimers } from '../support/fakeTimers';
import { startMockVeriff, type MockVeriff } from '../support/mockVeriff';
import { removeAllIntegrations, services, withUser } from './helpers';

/** The budget's own window lengths, under the short names the tests use. */
export { HOUR_MS as HOUR, DAY_MS as DAY } from '../../src/core/budget';

export interface BudgetHarness {
  s: Services;
  mock: MockVeriff;
  timers: FakeTimers;
  budget: BudgetService;
  bar: BudgetStatusBar;
  integrationId: string;
  t0: number;
}

export function clearStore(s: Services): void {
  for (const integrationId of s.sessions.store.integrationIds()) {
    s.sessions.store.remove(integrationId, s.sessions.store.list(integrationId).map((x) => x.id));
  }
}

export async function clearBudgetState(s: Services): Promise<void> {
  for (const key of [BUDGET_STATE_KEY, QUEUE_STATE_KEY, LEASE_STATE_KEY]) {
    await s.context.globalState.update(key, undefined);
  }
  // The shared store's budget, queue and lease files (and their last-good copies).
  const dir = s.context.globalStorageUri.fsPath;
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (/^(budget[-.].*|queue|queue-lease)\.json(\.bak)?$/.test(name)) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}

const SETTINGS = ['confirmBeforeTidyUp', 'continueQueueAutomatically', 'confirmBeforeDelete'];

export async function setUpBudget(opts: { sendRetryAfter?: boolean; credentials?: boolean; systemClock?: boolean } = {}): Promise<BudgetHarness> {
  const s = await services();
  await removeAllIntegrations();
  clearStore(s);
  const mock = await startMockVeriff({ sendRetryAfter: opts.sendRetryAfter });
  const timers = new FakeTimers(mock.clock);
  const budget = s.budgetService!;
  budget.clearQueue();
  await budget.whenIdle();
  await clearBudgetState(s);
  // The system clock when another process shares the budget (it cannot share the mock's clock).
  await budget.reload(opts.systemClock ? { clock: systemClock, timers: systemTimers } : { clock: mock.clock, timers });
  const bar = s.budgetStatusBar!;
  let integrationId = '';
  if (opts.credentials !== false) {
    await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiUrl: mock.server.url, apiKey: mock.apiKey, sharedSecret: mock.sharedSecret }),
    );
    integrationId = s.credentials.active()!.id;
  }
  await bar.refreshActive();
  return { s, mock, timers, budget, bar, integrationId, t0: mock.clock.now() };
}

export async function tearDownBudget(h: BudgetHarness | undefined): Promise<void> {
  if (!h) {
    return;
  }
  h.budget.clearQueue();
  h.budget.resume();
  await h.budget.whenIdle();
  for (const key of SETTINGS) {
    await vscode.workspace.getConfiguration('veriff').update(key, undefined, vscode.ConfigurationTarget.Global);
  }
  await clearBudgetState(h.s);
  await h.budget.reload({ clock: systemClock, timers: systemTimers });
  clearStore(h.s);
  await removeAllIntegrations();
  await h.bar.refreshActive();
  await h.mock.server.close();
}

export async function setting(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('veriff').update(name, value, vscode.ConfigurationTarget.Global);
}

/**
 * Moves both clocks to `t`, firing every timer due on the way at its own time and waiting for
 * the DELETEs it sends (real HTTP to the mock) before the next one.
 */
export async function advanceTo(h: BudgetHarness, t: number): Promise<void> {
  for (let fired = 0; ; fired++) {
    await h.budget.whenIdle();
    const next = h.timers.nextAt();
    if (next === undefined || next > t) {
      break;
    }
    if (fired > 1000) {
      throw new Error('more than 1000 timers fired: something polls');
    }
    await h.timers.advanceTo(next);
  }
  await h.timers.advanceTo(t);
  await h.budget.whenIdle();
}

/** Seeds sessions in the mock (a status each, or 'missing': tracked but unknown to Veriff) and tracks them under `label`, oldest first. */
export function seed(h: BudgetHarness, statuses: ReadonlyArray<VeriffStatus | 'missing'>, label = 'run-1'): string[] {
  const ids: string[] = [];
  for (const status of statuses) {
    const id = status === 'missing' ? randomUUID() : h.mock.server.seedSession(h.mock.apiKey, { status }).id;
    h.s.sessions.store.add(h.integrationId, [id], { source: 'typed', label });
    ids.push(id);
  }
  return ids;
}

/** The order a tidy-up sends in: oldest first (ties by id). */
export function sendingOrder(h: BudgetHarness, ids: readonly string[]): string[] {
  const store = h.s.sessions.store;
  return [...ids].sort((a, b) => store.get(h.integrationId, a)!.addedAt - store.get(h.integrationId, b)!.addedAt || (a < b ? -1 : 1));
}

export const statusText = (h: BudgetHarness): string => h.bar.snapshot().text;

/** The " $(history) 14:05" the status bar adds while no delete is left: when the next one may go, by the budget's figures. */
export function nextSlot(h: BudgetHarness): string {
  const r = h.budget.remaining(apiKeyFingerprint(h.mock.apiKey));
  return ` $(history) ${clockText(Math.max(r.nextFreeAt ?? 0, r.blockedUntil ?? 0), h.budget.now())}`;
}

/** Polls (for events that arrive through another window's signal) until `check` holds. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function deleteAnswers(h: BudgetHarness): number[] {
  return h.mock.server.deleteRequests().map((r) => r.status);
}
