import { OFFICIAL_COLUMNS, type OfficialColumn } from '../../token/official-columns.js';
import { INDEXES, type IndexedField, type RedisKeys } from './redis-keys.js';
import type { RawRow, RedisRow } from './redis-record.js';
import { VERSION_FIELD } from './redis-version.js';

// A Redis Cluster checks the keys a script declares (KEYS) before it runs it: while the store's slot moves, a
// script whose keys are not all on the node is refused with ASK or TRYAGAIN, and nothing of it runs. A key the
// script only derives is checked when the script reaches it, after its earlier writes. So every write script is
// given every key it touches, computed here from the token as the caller read it; the script first checks the
// hash still holds what was read (CHECKED_FIELDS), else it writes nothing and the caller reads again.

const FIELDS = Object.keys(INDEXES) as IndexedField[];
const AT = new Map<string, number>(OFFICIAL_COLUMNS.map((column, i) => [column, i]));
const positionOf = (column: string): number => AT.get(column as OfficialColumn) as number;

/** What a write script compares before writing: the id (absent: no such hash), the indexed columns, the version. */
export const CHECKED_FIELDS: readonly string[] = ['id', ...FIELDS.map((field) => INDEXES[field].column), VERSION_FIELD];

/** The values of CHECKED_FIELDS in a row as read ('' for absent; all '' for a token not stored). */
export function checkedValues(row: RedisRow | null): string[] {
  if (row === null) return CHECKED_FIELDS.map(() => '');
  return [row.raw[0] ?? '', ...FIELDS.map((field) => row.raw[positionOf(INDEXES[field].column)] ?? ''), row.version ?? ''];
}

/** One token's part of a script call: the keys it declares and its arguments. */
export interface ScriptPart {
  readonly keys: string[];
  readonly args: Array<string | number>;
}

/**
 * COMMIT's part for one token: keys (its hash, then the index keys it leaves, then those it joins) and arguments
 * (id, CHECKED_FIELDS as read, the counts of index keys left and joined, the number of fields, then the fields).
 * `before` is the token as this write read it, null for an insert (the script then requires the hash absent).
 */
export function commitPart(keys: RedisKeys, id: string, before: RedisRow | null, after: RawRow, fields: readonly string[]): ScriptPart {
  const left: string[] = [];
  const joined: string[] = [];
  for (const field of FIELDS) {
    const at = positionOf(INDEXES[field].column);
    const was = before?.raw[at] ?? null;
    const now = after[at] ?? null;
    if (was === now) continue;
    if (was !== null) left.push(keys.index(field, was));
    if (now !== null) joined.push(keys.index(field, now));
  }
  return {
    keys: [keys.record(id), ...left, ...joined],
    args: [id, ...checkedValues(before), left.length, joined.length, fields.length / 2, ...fields],
  };
}

/**
 * DELETE's part for one token: keys (its hash, then the index key of each of its indexed values) and arguments
 * (id, CHECKED_FIELDS as read, the number of index keys). `row` is the token as read, null when it is not stored.
 */
export function deletePart(keys: RedisKeys, id: string, row: RedisRow | null): ScriptPart {
  const indexKeys: string[] = [];
  for (const field of FIELDS) {
    const value = row?.raw[positionOf(INDEXES[field].column)] ?? null;
    if (value !== null) indexKeys.push(keys.index(field, value));
  }
  return { keys: [keys.record(id), ...indexKeys], args: [id, ...checkedValues(row), indexKeys.length] };
}

// The indexed field of each official column (undefined for a column without index).
const FIELD_AT = OFFICIAL_COLUMNS.map((column) => FIELDS.find((field) => INDEXES[field].column === column));

/**
 * COMPARE_AND_SET's keys after the lock and the hash, and its arguments after the version read, the new version and
 * the id: for each field that changed, its column, '1' when it is indexed (else ''), the value read and the new value
 * ('' for absent); and for each indexed one, the index key it leaves (when it had a value), then the one it joins
 * (when it has one). Null when nothing changed.
 */
export function compareAndSetPart(keys: RedisKeys, before: RawRow, after: RawRow): ScriptPart | null {
  const part: ScriptPart = { keys: [], args: [] };
  for (let i = 1; i < after.length; i += 1) {
    const was = before[i] ?? '';
    const now = after[i] ?? '';
    if (was === now) continue;
    const field = FIELD_AT[i];
    part.args.push(OFFICIAL_COLUMNS[i] as string, field === undefined ? '' : '1', was, now);
    if (field === undefined) continue;
    if (was !== '') part.keys.push(keys.index(field, was));
    if (now !== '') part.keys.push(keys.index(field, now));
  }
  return part.args.length === 0 ? null : part;
}

/** Parts joined after the keys and arguments every call of the script starts with. */
export function joinParts(headKeys: readonly string[], headArgs: ReadonlyArray<string | number>, parts: readonly ScriptPart[]): ScriptPart {
  return { keys: [...headKeys, ...parts.flatMap((part) => part.keys)], args: [...headArgs, ...parts.flatMap((part) => part.args)] };
}
