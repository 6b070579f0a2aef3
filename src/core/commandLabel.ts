import { redactCredentials } from './mask';

/** The longest run label taken from a command line (the tree row and the tidy-up offer show it whole). */
export const RUN_LABEL_MAX_LENGTH = 60;

/**
 * A terminal command line as a run label or a log line: one line, credentials replaced by `***`
 * (a test command is often run as `VERIFF_API_KEY=… VERIFF_SHARED_SECRET=… npm test`, and a
 * command line may hold `postgres://user:password@…`, `curl -u user:password`, `Authorization:`
 * headers; see `redactCredentials`), and cut to `maxLength` characters. Undefined when blank.
 */
export function commandLineLabel(commandLine: string, maxLength = Infinity): string | undefined {
  const command = redactCommandLine(commandLine);
  if (command === '') {
    return undefined;
  }
  return command.length > maxLength ? `${command.slice(0, maxLength)}…` : command;
}

/** The command line on one line, with credentials replaced by `***`. */
export function redactCommandLine(commandLine: string): string {
  return redactCredentials(commandLine.trim().replace(/\s+/g, ' '));
}
