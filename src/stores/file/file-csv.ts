/**
 * The CSV of the official token file, read and written the way the official SDKs' own reader needs it. The official
 * reader splits lines on LF and fields on commas and takes quotes literally, so a value is written in quotes (RFC
 * 4180, inner quotes doubled) only when that reader could not hold it at all: it contains a comma, CR or LF, or it
 * begins with a quote (which this reader would otherwise take for the opening quote). Every other value, quotes
 * and all, is written bare, exactly as the official SDKs write it.
 *
 * Reading: a field that is a well-formed quoted value (it begins with a quote, every inner quote is doubled, and
 * its closing quote ends the field) is unquoted; any other field, including one that only begins with a quote, is
 * taken literally, as the official reader takes it. LF or CRLF ends a line; whitespace-only lines are skipped (the
 * official readers skip them too).
 */

const NEEDS_QUOTES = /[,\r\n]/;

/** Whether the official reader (which splits on LF and commas, quotes literal) cannot read `value` back bare. */
export const needsQuotes = (value: string): boolean => value.charCodeAt(0) === 34 /* " */ || NEEDS_QUOTES.test(value);

/** One field as it goes in the file: `null` is the empty field. */
export function formatField(value: string | null): string {
  if (value === null) return '';
  if (!needsQuotes(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

export function formatRow(values: ReadonlyArray<string | null>): string {
  return values.map(formatField).join(',');
}

export interface CsvRow {
  /** 1-based line number where the row starts, for error messages. */
  readonly line: number;
  readonly fields: string[];
  /** The row's text as it is in the file, without its line end (so an unchanged row can be written back as it was). */
  readonly text: string;
}

const isBlank = (fields: readonly string[]): boolean => fields.length === 1 && (fields[0] as string).trim() === '';

/** Parses a whole file's text into rows. */
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
    if (!isBlank(fields)) rows.push({ line: i + 1, fields, text: line });
  }
  return rows;
}

const COMMA = 44;
const LF = 10;
const CR = 13;

/** Whether a field ends at `position`: a comma, a line end, or the end of the text. */
function endsField(text: string, position: number): boolean {
  if (position >= text.length) return true;
  const code = text.charCodeAt(position);
  return code === COMMA || code === LF || (code === CR && text.charCodeAt(position + 1) === LF);
}

interface QuotedField {
  readonly value: string;
  /** Just past the closing quote. */
  readonly end: number;
}

/** The well-formed quoted field opening at `start`, or null when the field there is to be taken literally. */
function readQuoted(text: string, start: number): QuotedField | null {
  let value = '';
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return null;
    value += text.slice(from, quote);
    if (text.charCodeAt(quote + 1) === 34) {
      value += '"';
      from = quote + 2;
      continue;
    }
    return endsField(text, quote + 1) ? { value, end: quote + 1 } : null;
  }
}

function parseQuoted(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const length = text.length;
  let line = 1;
  let position = 0;
  while (position <= length) {
    const startLine = line;
    const rowStart = position;
    const fields: string[] = [];
    for (;;) {
      const quoted = text.charCodeAt(position) === 34 ? readQuoted(text, position) : null;
      if (quoted) {
        for (let i = 0; i < quoted.value.length; i += 1) if (quoted.value.charCodeAt(i) === LF) line += 1;
        fields.push(quoted.value);
        position = quoted.end;
      } else {
        let end = position;
        while (!endsField(text, end)) end += 1;
        fields.push(text.slice(position, end));
        position = end;
      }
      if (text.charCodeAt(position) !== COMMA) break;
      position += 1;
    }
    const rowText = text.slice(rowStart, position);
    position += text.charCodeAt(position) === CR ? 2 : 1; // CRLF, LF, or past the end
    line += 1;
    if (!isBlank(fields)) rows.push({ line: startLine, fields, text: rowText });
  }
  return rows;
}
