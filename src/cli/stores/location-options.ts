import { usageError } from '../cli-error.js';
import type { StoreLocation } from './store-location.js';

/** Refuses query options an adapter does not know, so a typo (`?tabel=`) is not silently ignored. */
export function checkOptions(location: StoreLocation, known: readonly string[]): void {
  for (const name of location.params.keys()) {
    if (!known.includes(name)) {
      throw usageError(
        `The ${location.scheme} store location has an unknown option "${name}".`,
        known.length > 0 ? `its options are: ${known.join(', ')}` : `a ${location.scheme} location takes no options`,
      );
    }
  }
}

/** The connection URL without the adapter's own options (what the driver gets). */
export function connectionUrl(location: StoreLocation, own: readonly string[]): string {
  const url = new URL((location.url as URL).href);
  for (const name of own) url.searchParams.delete(name);
  return url.href;
}

export function booleanOption(location: StoreLocation, name: string): boolean | undefined {
  const value = location.params.get(name);
  if (value === null) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw usageError(`The store location option "${name}" must be true or false.`);
}
