import type { DeleteResult } from './deletePlan';

/** A problem with an integration's deletes that only the user can fix. */
export type BudgetProblem =
  /** An integration is active but its API key and shared secret cannot be read. */
  | { kind: 'credentialsUnreadable' }
  /** 403 code 1301: Veriff has not enabled session deletion for the integration. */
  | { kind: 'deleteNotEnabled' }
  /** 401 / 403 (other codes): Veriff does not accept the credentials. */
  | { kind: 'credentialsRefused'; http: number; code?: string };

/**
 * What a DELETE's answer says about the integration: a problem the user must fix, `null` when it
 * proves the credentials and the delete feature work (any answer about the session itself), or
 * undefined when it says nothing either way (429, network, 5xx, unverifiable).
 */
export function problemOfDeleteResult(result: DeleteResult): BudgetProblem | null | undefined {
  switch (result.kind) {
    case 'deleted':
    case 'alreadyGone':
    case 'refused':
      return null;
    case 'credentials': {
      const outcome = result.outcome;
      const http = 'http' in outcome ? outcome.http : 0;
      const code = outcome.kind === 'veriffError' ? outcome.code : undefined;
      if (http === 403 && code === '1301') {
        return { kind: 'deleteNotEnabled' };
      }
      return code !== undefined ? { kind: 'credentialsRefused', http, code } : { kind: 'credentialsRefused', http };
    }
    default:
      return undefined;
  }
}
