import * as vscode from 'vscode';
import type { ProxySettings } from '../core/veriffClient';

/** Typed reads of the extension's settings (and VS Code's http.* proxy settings). */
export const settings = {
  requestTimeoutMs(): number {
    const seconds = vscode.workspace.getConfiguration('veriff').get<number>('requestTimeoutSeconds', 15);
    return Math.min(120, Math.max(1, Number.isFinite(seconds) ? seconds : 15)) * 1000;
  },
  confirmBeforeDelete(): boolean {
    return vscode.workspace.getConfiguration('veriff').get<boolean>('confirmBeforeDelete', true);
  },
  confirmBeforeTidyUp(): boolean {
    return vscode.workspace.getConfiguration('veriff').get<boolean>('confirmBeforeTidyUp', true);
  },
  continueQueueAutomatically(): boolean {
    return vscode.workspace.getConfiguration('veriff').get<boolean>('continueQueueAutomatically', true);
  },
  offerTidyUpAfterTestRun(): boolean {
    return vscode.workspace.getConfiguration('veriff').get<boolean>('offerTidyUpAfterTestRun', true);
  },
  trackingFileGlob(): string {
    return vscode.workspace.getConfiguration('veriff').get<string>('trackingFile', '**/.veriff-sessions.jsonl');
  },
  groupBy(): 'run' | 'status' {
    return vscode.workspace.getConfiguration('veriff').get<string>('groupBy', 'run') === 'status' ? 'status' : 'run';
  },
  proxy(): ProxySettings {
    const http = vscode.workspace.getConfiguration('http');
    const noProxy = http.get<string[]>('noProxy', []);
    return {
      url: http.get<string>('proxy') || undefined,
      strictSSL: http.get<boolean>('proxyStrictSSL', true),
      noProxy: Array.isArray(noProxy) ? noProxy.filter((h) => typeof h === 'string') : undefined,
    };
  },
};
