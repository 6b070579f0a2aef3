import * as vscode from 'vscode';
import { commandLineLabel, RUN_LABEL_MAX_LENGTH, redactCommandLine } from '../../../core/commandLabel';
import type { AddResult } from '../../../core/sessions';
import type { Services } from '../../services';
import { trackIds } from '../../tracking';

/**
 * "Veriff: Track Sessions from Last Terminal Command": session ids in the output of the last
 * command that finished in the active terminal, or else in any terminal (read through VS Code's
 * shell integration).
 */
export async function trackTerminal(services: Services): Promise<AddResult | undefined> {
  const terminal = vscode.window.activeTerminal;
  // The active terminal's last command, else the last one that finished in any terminal.
  const last = (terminal && (await services.terminalOutput.lastCommand(terminal))) || (await services.terminalOutput.lastCommand(undefined));
  if (!last) {
    await explainMissingOutput(services, terminal);
    return undefined;
  }
  // The command line may carry secrets (`VERIFF_SHARED_SECRET=… npm test`): only its redacted form is logged or kept.
  const command = redactCommandLine(last.commandLine);
  if (!last.captured) {
    services.log.warn(`Terminal command "${command}" started before the extension was listening: no output`);
    void services.ui.showInformationMessage(
      vscode.l10n.t('The last command started before the Veriff extension was active, so its output was not captured. Run it again, then track.'),
    );
    return undefined;
  }
  if (stripEscapes(last.output).trim() === '') {
    services.log.warn(`Terminal command "${command}": no output was captured`);
    void services.ui.showInformationMessage(
      vscode.l10n.t('The last terminal command printed nothing the Veriff extension could read (a very short command can end before VS Code passes its output on). Copy the ids from the terminal and use "Track Sessions from Clipboard", or run the command again.'),
    );
    return undefined;
  }
  if (last.truncated) {
    services.log.warn(`Terminal output of "${command}" was longer than the kept maximum: only its end was searched`);
  }
  const label = commandLineLabel(last.commandLine, RUN_LABEL_MAX_LENGTH);
  services.log.info(`Terminal command "${command}" (exit code ${last.exitCode ?? 'unknown'}): ${last.output.length} characters of output`);
  return trackIds(services, { text: last.output, typed: false }, {
    source: 'terminal',
    label,
    from: vscode.l10n.t('the output of the last terminal command'),
  });
}

/** Terminal output without OSC sequences (shell-integration marks) and CSI sequences (colours). */
function stripEscapes(text: string): string {
  return text.replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
}

async function explainMissingOutput(services: Services, terminal: vscode.Terminal | undefined): Promise<void> {
  if (terminal?.shellIntegration) {
    void services.ui.showInformationMessage(
      vscode.l10n.t('No command has finished in this terminal since the Veriff extension started listening. Run the command that creates the sessions, then track.'),
    );
    return;
  }
  const openSettings = vscode.l10n.t('Open Settings');
  void services.ui
    .showInformationMessage(
      vscode.l10n.t(
        'No terminal command output is available. Reading it needs VS Code\'s shell integration: enable "terminal.integrated.shellIntegration.enabled" and use a supported shell (bash, zsh, fish, pwsh), then run the command again in a new terminal.',
      ),
      openSettings,
    )
    .then((choice) => choice === openSettings && vscode.commands.executeCommand('workbench.action.openSettings', 'terminal.integrated.shellIntegration.enabled'));
}
