/**
 * A prompt the user dismissed (Escape, or a multi-pick closed with nothing checked): the command
 * stops there. The registration wrapper (commands/register.ts) ends the command quietly, with
 * nothing shown or logged, as if it had returned undefined.
 */
export class UserCancelledError extends Error {
  constructor() {
    super('cancelled by the user');
    this.name = 'UserCancelledError';
  }
}

/** The prompt's answer; a dismissed prompt (undefined, or an empty multi-pick) throws UserCancelledError. */
export async function answered<T>(prompt: PromiseLike<T | undefined>): Promise<T> {
  const value = await prompt;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new UserCancelledError();
  }
  return value;
}
