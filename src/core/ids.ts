const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Normalises a session id (trim, lowercase) and returns it when it is a UUID, else undefined. */
export function normaliseSessionId(raw: string): string | undefined {
  const id = raw.trim().toLowerCase();
  return UUID.test(id) ? id : undefined;
}

export function isUuid(raw: string): boolean {
  return normaliseSessionId(raw) !== undefined;
}
