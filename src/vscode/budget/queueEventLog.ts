import * as vscode from 'vscode';
import type { QueueEvent } from '../../core/queueRunner';
import type { BaseServices } from '../baseServices';
import { showFailure } from '../failures';

/** Writes what the queue runner did to the log; a pause that retrying cannot fix is also shown, with the fix. */
export function logQueueEvent(services: BaseServices, event: QueueEvent): void {
  const log = services.log;
  switch (event.kind) {
    case 'gone':
      if (event.foundByProbe) {
        log.info(`Delete queue: session ${event.id} no longer exists (its earlier DELETE went through): no longer tracked`);
      }
      break;
    case 'gaveUp':
      log.warn(`Delete queue: gave up on session ${event.id} after ${event.attempts} failed DELETEs (${event.reason}); it stays tracked`);
      break;
    case 'retryLater':
      log.warn(`Delete queue: DELETE of session ${event.id} failed (${event.reason}); retry ${event.attempts} at ${new Date(event.notBefore).toISOString()}`);
      break;
    case 'rateLimited':
      log.warn(`Delete queue: Veriff answered 429; no delete is sent before ${new Date(event.blockedUntil).toISOString()}`);
      break;
    case 'paused':
      log.warn(`Delete queue: paused (${event.reason})`);
      if (event.id !== undefined) {
        // Retrying cannot fix it (credentials, the delete feature): say so once, with the fix.
        void showFailure(services, vscode.l10n.t('The delete queue is paused: {0}', event.reason), { credentialsFix: true });
      }
      break;
    case 'idle':
      log.info('Delete queue: done, nothing left to delete');
      break;
    default:
      break;
  }
}
