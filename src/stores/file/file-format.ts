import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, recordToOfficialRow, type OfficialColumn } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { formatRow, parseCsv } from './file-csv.js';

/**
 * The official token file: a header row, then one token per row, columns by position (OFFICIAL_COLUMNS). Older
 * SDKs wrote nine columns (no `api_domain`); the TypeScript SDK labels column 2 `user_mail`, the Python SDK
 * labels column 9 `redirect_uri`. A file keeps the labels of its header; a new file gets the TypeScript SDK's.
 */
export const DEFAULT_HEADER: readonly string[] = OFFICIAL_COLUMNS.map((column) => (column === 'user_name' ? 'user_mail' : column));

// The labels each position may carry in files written by the official SDKs.
const ACCEPTED_LABELS: ReadonlyArray<readonly string[]> = OFFICIAL_COLUMNS.map((column) => {
  if (column === 'user_name') return ['user_name', 'user_mail'];
  if (column === 'redirect_url') return ['redirect_url', 'redirect_uri'];
  return [column];
});

export interface TokenFileContent {
  /** The tokens in file order. */
  readonly records: readonly TokenRecord[];
  /** The header to write back: the file's own labels, widened to ten columns. */
  readonly header: readonly string[];
}

const corrupt = (path: string, problem: string, cause?: unknown): TokenStoreError =>
  new TokenStoreError(
    ErrorCode.STORE_CORRUPT,
    `The token file ${path} cannot be read: ${problem}. Nothing was changed; repair the file (or move it away to start empty) and retry.`,
    { cause },
  );

// Records are immutable and shared between versions of the file, so each is formatted once (or keeps the line it
// was read from): a save that changes one token of 10,000 formats one line.
const formatted = new WeakMap<TokenRecord, string>();

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes and parses a token file. An empty file holds no tokens. Anything else unreadable is `STORE_CORRUPT`. */
export function parseTokenFile(bytes: Uint8Array, path: string): TokenFileContent {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch (error) {
    throw corrupt(path, 'it is not UTF-8 text', error);
  }
  if (text.includes('\0')) throw corrupt(path, 'it contains NUL bytes (a binary or damaged file)');
  const rows = parseCsv(text);
  const [head, ...body] = rows;
  if (!head) return { records: [], header: DEFAULT_HEADER };
  const width = head.fields.length;
  const labels = head.fields.map((label) => label.trim().toLowerCase());
  const known = (width === 9 || width === 10) && labels.every((label, i) => ACCEPTED_LABELS[i]?.includes(label));
  if (!known) {
    throw corrupt(path, `line ${head.line} is not the header of an official token file (expected ${OFFICIAL_COLUMNS.join(',')})`);
  }
  const records: TokenRecord[] = [];
  const lineOfId = new Map<string, number>();
  for (const row of body) {
    // A ten-column file may still hold rows of nine (a legacy row without api_domain); more columns than the
    // header means a value with an unquoted comma, which cannot be split back reliably.
    if (row.fields.length !== width && !(width === 10 && row.fields.length === 9)) {
      throw corrupt(
        path,
        `line ${row.line} has ${row.fields.length} columns where the header has ${width}` +
          (row.fields.length > width ? ' (a value with an unquoted comma?)' : ' (a truncated line?)'),
      );
    }
    const values: Partial<Record<OfficialColumn, string>> = {};
    row.fields.forEach((value, i) => {
      values[OFFICIAL_COLUMNS[i] as OfficialColumn] = value;
    });
    const record = officialRowToRecord(values);
    if (record.id === '') throw corrupt(path, `line ${row.line} has no id`);
    const earlier = lineOfId.get(record.id);
    if (earlier !== undefined) throw corrupt(path, `lines ${earlier} and ${row.line} have the same id ${JSON.stringify(record.id)}`);
    lineOfId.set(record.id, row.line);
    // A row no save changes is written back as it was (a legacy row widened as the official SDK widens it).
    formatted.set(record, width === 9 ? `${row.text},` : row.text);
    records.push(record);
  }
  const header = width === 10 ? head.fields : [...head.fields, 'api_domain'];
  return { records, header };
}

/**
 * The file's text: header, then one row per token, LF line ends, no newline after the last row. A row read from
 * the file and not changed since is its bytes as read; a new or changed row is what the official SDKs write for the
 * same values, except a value they cannot hold (a comma, a line break, a leading quote), which is quoted.
 */
export function formatTokenFile(header: readonly string[], records: readonly TokenRecord[]): string {
  const lines = [formatRow(header)];
  for (const record of records) lines.push(formatRecord(record));
  return lines.join('\n');
}

function formatRecord(record: TokenRecord): string {
  let line = formatted.get(record);
  if (line === undefined) {
    const row = recordToOfficialRow(record);
    line = formatRow(OFFICIAL_COLUMNS.map((column) => row[column]));
    formatted.set(record, line);
  }
  return line;
}
