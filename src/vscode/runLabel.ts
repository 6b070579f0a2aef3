import * as vscode from 'vscode';
import { commandLineLabel, RUN_LABEL_MAX_LENGTH } from '../core/commandLabel';

/** What started a test run: a task's process, or a command line in a terminal (shell integration). */
export type RunStart = { readonly task: vscode.Task } | { readonly commandLine: string; readonly terminalName: string };

/** A test run as people name it: its command line ("npm test"), else the task's or terminal's name. */
export function runLabel(start: RunStart): string {
  return 'task' in start ? taskLabel(start.task) : (commandLineLabel(start.commandLine, RUN_LABEL_MAX_LENGTH) ?? start.terminalName);
}

/** A task as people name it: its shell command line when it has one ("npm test"), else its name. */
function taskLabel(task: vscode.Task): string {
  const execution = task.execution;
  if (execution instanceof vscode.ShellExecution) {
    const line = execution.commandLine ?? [typeof execution.command === 'string' ? execution.command : execution.command?.value, ...(execution.args ?? []).map((a) => (typeof a === 'string' ? a : a.value))].filter(Boolean).join(' ');
    const label = commandLineLabel(line, RUN_LABEL_MAX_LENGTH);
    if (label) {
      return label;
    }
  }
  return task.source && task.source !== 'Workspace' ? `${task.source}: ${task.name}` : task.name;
}
