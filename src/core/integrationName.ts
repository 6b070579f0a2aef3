/** Why an integration's name cannot be used, or undefined (only "Set API Credentials" asks for one). */
export function validateIntegrationName(raw: string): string | undefined {
  const s = raw.trim();
  if (s === '') {
    return 'Give the integration a name, e.g. Test or Live.';
  }
  return s.length > 60 ? 'Keep the name under 60 characters.' : undefined;
}
