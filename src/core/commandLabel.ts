/**
 * A name whose value is secret: `VERIFF_SHARED_SECRET`, `API_KEY`, `--api-key`, `GITHUB_TOKEN`,
 * `--password`, `X_HMAC_SIGNATURE`…
 */
const SECRET_NAME = String.raw`[A-Za-z0-9_-]*(?:key|secret|token|password|passwd|signature)[A-Za-z0-9_-]*`;
/** `NAME=value` (an environment assignment or `--flag=value`), or `--flag value`. */
const SECRET_ASSIGNMENT = new RegExp(String.raw`(^|\s)(${SECRET_NAME}=|--?${SECRET_NAME}\s+(?!-))("[^"]*"|'[^']*'|\S+)`, 'gi');

/**
 * A terminal command line as a run label or a log line: one line, the values of secret-looking
 * assignments and flags replaced by `***` (a test command is often run as
 * `VERIFF_API_KEY=… VERIFF_SHARED_SECRET=… npm test`), and cut to `maxLength` characters.
 * Undefined when the command line is blank.
 */
export function commandLineLabel(commandLine: string, maxLength = Infinity): string | undefined {
  const command = redactCommandLine(commandLine);
  if (command === '') {
    return undefined;
  }
  return command.length > maxLength ? `${command.slice(0, maxLength)}…` : command;
}

/** The command line on one line, with the values of secret-looking assignments and flags as `***`. */
export function redactCommandLine(commandLine: string): string {
  return commandLine.trim().replace(/\s+/g, ' ').replace(SECRET_ASSIGNMENT, (_all, lead: string, name: string) => `${lead}${name}***`);
}
