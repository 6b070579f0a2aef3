/** The source of a UUID pattern (lowercase hex; add the `i` flag for any case), to build regexes from. */
export const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const UUID = new RegExp(`^${UUID_SOURCE}$`);

/** Normalises a session id (trim, lowercase) and returns it when it is a UUID, else undefined. */
export function normaliseSessionId(raw: string): string | undefined {
  const id = raw.trim().toLowerCase();
  return UUID.test(id) ? id : undefined;
}

export function isUuid(raw: string): boolean {
  return normaliseSessionId(raw) !== undefined;
}
