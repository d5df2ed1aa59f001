import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { StoreLocation } from './store-location.js';

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

/** Refuses query options a store does not take, so a typo (`?tabel=`) is not silently ignored. */
export function checkQuery(location: StoreLocation, known: readonly string[]): void {
  for (const name of location.params.keys()) {
    if (!known.includes(name)) {
      throw invalid(
        `The ${location.scheme} store location has an unknown option "${name.slice(0, 40)}"; ` +
          (known.length > 0 ? `its options are: ${known.join(', ')}.` : `a ${location.scheme} location takes none (nothing after "?").`),
      );
    }
  }
}

/** The connection URL without the store's own query options (what the driver gets). */
export function connectionUrl(location: StoreLocation, own: readonly string[]): string {
  const url = new URL((location.url as URL).href);
  for (const name of own) url.searchParams.delete(name);
  return url.href;
}

/** The query options present in the location, as store options (`?table=t` → `{ table: 't' }`). */
export function textOptions(location: StoreLocation, names: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const name of names) {
    const value = location.params.get(name);
    if (value !== null && value !== '') options[name] = value;
  }
  return options;
}

/** `?createTable=false`: true, false, 1 or 0. */
export function booleanOptions(location: StoreLocation, names: readonly string[]): Record<string, boolean> {
  const options: Record<string, boolean> = {};
  for (const name of names) {
    const value = location.params.get(name);
    if (value === null) continue;
    if (value !== 'true' && value !== '1' && value !== 'false' && value !== '0') {
      throw invalid(`The store location option "${name}" must be true or false.`);
    }
    options[name] = value === 'true' || value === '1';
  }
  return options;
}
