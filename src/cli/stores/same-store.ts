import { resolve } from 'node:path';
import type { StoreLocation } from '../../stores/location/store-location.js';

/** Whether two locations name the same store (file paths compared once resolved; `:memory:` is never shared). */
export function sameStore(a: StoreLocation, b: StoreLocation): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.path !== null && b.path !== null) return a.path !== ':memory:' && resolve(a.path) === resolve(b.path);
  return a.display === b.display;
}
