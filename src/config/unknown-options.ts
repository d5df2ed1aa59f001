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

/** Edit distance (insertions, deletions, substitutions) between two short names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

const folded = (name: string): string => name.toLowerCase().replace(/[_-]/g, '');

/**
 * The known option a wrong name most likely meant, or null: an alias the owner lists (`userName` → `userSignature`),
 * else the same name in another case or with `_` or `-` (`table_name`, `client_id`), else one within two edits
 * (`tabel` → `table`) for names of four characters or more.
 */
export function nearMiss(name: string, known: readonly string[], aliases: Readonly<Record<string, string>> = {}): string | null {
  if (Object.hasOwn(aliases, name)) return aliases[name] as string;
  const same = known.find((option) => folded(option) === folded(name));
  if (same !== undefined) return same;
  if (name.length < 4) return null;
  let best: string | null = null;
  let bestDistance = 3;
  for (const option of known) {
    const distance = editDistance(folded(name), folded(option));
    if (distance < bestDistance) [best, bestDistance] = [option, distance];
  }
  return best;
}

/** `unknown option "x"; the options are: a, b, c.`, and `Did you mean "y"?` when one is a near miss. */
export function describeUnknown(name: string, known: readonly string[], aliases: Readonly<Record<string, string>> = {}): string {
  const meant = nearMiss(name, known, aliases);
  return `unknown option ${JSON.stringify(name)}; the options are: ${known.join(', ')}.${meant === null ? '' : ` Did you mean ${JSON.stringify(meant)}?`}`;
}

/**
 * Refuses options that are not an object or that name an option `known` does not list, with `INVALID_CONFIG`
 * naming the owner (`MemoryStore: unknown option "x"; …`).
 */
export function checkKnownOptions(owner: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null)
    throw new TokenStoreError(ErrorCode.INVALID_CONFIG, `${owner}: options must be an object.`);
  const unknown = unknownOption(options, known);
  if (unknown !== null) throw new TokenStoreError(ErrorCode.INVALID_CONFIG, `${owner}: ${describeUnknown(unknown, known)}`);
}
