import * as vscode from 'vscode';

/** Set while the sandbox runs and cleared by an explicit stop, so a window reload brings it back. */
export const WAS_RUNNING_KEY = 'veriff.sandbox.wasRunning';
/** The sandbox's file in global storage (sandboxPersistence.ts). */
export const SANDBOX_FILE_NAME = 'sandbox.json';

/** Whether the sandbox was running when VS Code last stopped and the user did not stop it. */
export function wasRunning(context: vscode.ExtensionContext): boolean {
  return context.globalState.get<boolean>(WAS_RUNNING_KEY) === true;
}

/**
 * Whether activation has sandbox work to do: resume a sandbox that was running when VS Code last
 * stopped, or look at the sandbox.json an earlier run left (an earlier version's may hold the API
 * key in plain text). Without either, the sandbox adapter is not loaded.
 */
export async function sandboxWorkAtStart(context: vscode.ExtensionContext): Promise<boolean> {
  if (wasRunning(context)) {
    return true;
  }
  return vscode.workspace.fs.stat(vscode.Uri.joinPath(context.globalStorageUri, SANDBOX_FILE_NAME)).then(
    () => true,
    () => false,
  );
}
