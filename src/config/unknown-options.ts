import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';

/**
 * The first option name in `options` that is not in `known`, or null. A misspelt option (`tabel`, `keyprefix`)
 * would otherwise be ignored in silence and the default used: a store opened on the wrong table. Each caller turns
 * the name into its own `INVALID_CONFIG` error with `describeKnown`.
 */
export function unknownOption(options: object, known: readonly string[]): string | null {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) return name;
  }
  return null;
}

/** `unknown option "x"; the options are: a, b, c.` */
export function describeUnknown(name: string, known: readonly string[]): string {
  return `unknown option ${JSON.stringify(name)}; the options are: ${known.join(', ')}.`;
}

/**
 * Refuses options that are not an object or that name an option `known` does not list, with `INVALID_CONFIG`
 * naming the owner (`MemoryStore: unknown option "x"; …`).
 */
export function checkKnownOptions(owner: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) throw new TokenStoreError(ErrorCode.INVALID_CONFIG, `${owner}: options must be an object.`);
  const unknown = unknownOption(options, known);
  if (unknown !== null) throw new TokenStoreError(ErrorCode.INVALID_CONFIG, `${owner}: ${describeUnknown(unknown, known)}`);
}
