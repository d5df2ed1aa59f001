/**
 * Masks a secret for display: only its last four characters survive, enough to tell two tokens apart in a
 * listing, never enough to use one. Short values are hidden entirely.
 */
export function maskSecret(value: string | null): string | null {
  if (value === null) return null;
  if (value.length < 16) return '****';
  return `****${value.slice(-4)}`;
}
