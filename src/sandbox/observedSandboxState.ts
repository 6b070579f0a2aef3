import { SandboxState } from './sandboxState';
import type { DeleteSlotResult, SandboxIntegration, SandboxSession, SessionSeed } from './sessionModel';
import type { RestoreResult } from './snapshot';
import type { VeriffStatus } from '../core/status';

/**
 * The sandbox state with a change hook, so the local sandbox can persist it after every change
 * (API requests and simulated decisions alike). The rules stay in SandboxState.
 */
export class ObservedSandboxState extends SandboxState {
  private listener: (() => void) | undefined;

  /** One listener (the persistence); replaces any earlier one. */
  onDidChange(listener: (() => void) | undefined): void {
    this.listener = listener;
  }

  private changed(): void {
    this.listener?.();
  }

  override addIntegration(apiKey: string, sharedSecret: string, opts: { deleteEnabled?: boolean } = {}): SandboxIntegration {
    const result = super.addIntegration(apiKey, sharedSecret, opts);
    this.changed();
    return result;
  }

  override setDeleteEnabled(apiKey: string, enabled: boolean): void {
    super.setDeleteEnabled(apiKey, enabled);
    this.changed();
  }

  override createSession(apiKey: string, seed: SessionSeed = {}): SandboxSession {
    const result = super.createSession(apiKey, seed);
    this.changed();
    return result;
  }

  override setStatus(id: string, status: VeriffStatus): SandboxSession {
    const result = super.setStatus(id, status);
    this.changed();
    return result;
  }

  override setInFlow(id: string, inFlow: boolean): SandboxSession {
    const result = super.setInFlow(id, inFlow);
    this.changed();
    return result;
  }

  override deleteSession(id: string): boolean {
    const deleted = super.deleteSession(id);
    if (deleted) {
      this.changed();
    }
    return deleted;
  }

  override tryTakeDeleteSlot(apiKey: string): DeleteSlotResult {
    const result = super.tryTakeDeleteSlot(apiKey);
    if (result.ok) {
      this.changed();
    }
    return result;
  }

  override reset(): void {
    super.reset();
    this.changed();
  }

  override restore(data: unknown): RestoreResult {
    const result = super.restore(data);
    if (result.ok) {
      this.changed();
    }
    return result;
  }
}
