/**
 * RFC 4180 CSV, as the token file needs it. Writing quotes a field only when it must (it contains a comma, a quote,
 * CR or LF), so every value without those characters is written exactly as the official SDKs write it. Reading is
 * RFC 4180 plus what the official SDKs produce: a quote inside an unquoted field is literal, LF alone ends a line,
 * and whitespace-only lines are skipped (the official readers skip them too).
 */

const NEEDS_QUOTES = /[",\r\n]/;

/** One field as it goes in the file: `null` is the empty field. */
export function formatField(value: string | null): string {
  if (value === null) return '';
  if (!NEEDS_QUOTES.test(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

export function formatRow(values: ReadonlyArray<string | null>): string {
  return values.map(formatField).join(',');
}

export interface CsvRow {
  /** 1-based line number where the row starts, for error messages. */
  readonly line: number;
  readonly fields: string[];
}

/** Why a text is not CSV; `line` is 1-based. The message never quotes file content (it may hold secrets). */
export class CsvSyntaxError extends Error {
  readonly line: number;

  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.line = line;
  }
}

const isBlank = (fields: readonly string[]): boolean => fields.length === 1 && (fields[0] as string).trim() === '';

/** Parses a whole file's text into rows. Throws `CsvSyntaxError` for an unterminated or misplaced quote. */
export function parseCsv(text: string): CsvRow[] {
  return text.includes('"') ? parseQuoted(text) : parsePlain(text);
}

// Most token files hold no quote at all: splitting is then exact, and several times faster than the scanner.
function parsePlain(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    let line = lines[i] as string;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const fields = line.split(',');
    if (!isBlank(fields)) rows.push({ line: i + 1, fields });
  }
  return rows;
}

function parseQuoted(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const length = text.length;
  let line = 1;
  let position = 0;
  while (position <= length) {
    const startLine = line;
    const fields: string[] = [];
    let endOfRow = false;
    while (!endOfRow) {
      let value: string;
      if (text.charCodeAt(position) === 34 /* " */) {
        const quoteLine = line;
        let parts = '';
        let from = position + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote < 0) throw new CsvSyntaxError(quoteLine, 'a quoted value is never closed');
          parts += text.slice(from, quote);
          if (text.charCodeAt(quote + 1) === 34) {
            parts += '"';
            from = quote + 2;
            continue;
          }
          position = quote + 1;
          break;
        }
        for (let i = 0; i < parts.length; i += 1) if (parts.charCodeAt(i) === 10) line += 1;
        value = parts;
        const next = text.charCodeAt(position);
        const atEnd = position >= length || next === 44 || next === 10 || (next === 13 && text.charCodeAt(position + 1) === 10);
        if (!atEnd) throw new CsvSyntaxError(line, 'a quoted value is followed by more text before the next comma');
      } else {
        let end = position;
        while (end < length) {
          const code = text.charCodeAt(end);
          if (code === 44 || code === 10 || (code === 13 && text.charCodeAt(end + 1) === 10)) break;
          end += 1;
        }
        value = text.slice(position, end);
        position = end;
      }
      fields.push(value);
      const code = text.charCodeAt(position);
      if (code === 44) {
        position += 1;
      } else {
        endOfRow = true;
        if (code === 13) position += 2;
        else position += 1; // LF, or past the end
        line += 1;
      }
    }
    if (!isBlank(fields)) rows.push({ line: startLine, fields });
  }
  return rows;
}
