import { readFile } from 'node:fs/promises';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, type OfficialColumn } from '../../token/official-columns.js';
import { OAuthToken } from '../../token/oauth-token.js';

// The labels each position may carry: the TypeScript SDK writes `user_mail`, the Python SDK `redirect_uri`.
const LABELS: ReadonlyArray<readonly string[]> = OFFICIAL_COLUMNS.map((column) => {
  if (column === 'user_name') return ['user_name', 'user_mail'];
  if (column === 'redirect_url') return ['redirect_url', 'redirect_uri'];
  return [column];
});

const unreadable = (path: string, problem: string): CliError =>
  new CliError(ExitCode.FAILED, `The token file ${path} cannot be imported: ${problem}.`, 'nothing was written; repair the file and rerun');

/**
 * Reads a token file exactly as the official SDKs write it: a header row, then one token per line, values
 * separated by commas with no quoting at all (so a quote is an ordinary character), 10 columns, or 9 in files of
 * older SDKs (no `api_domain`). A line with more columns than the header holds a value with a comma, which cannot
 * be split back: the whole file is refused, naming the line.
 */
export function parseOfficialTokenFile(text: string, path: string): OAuthToken[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '');
  const labels = header.split(',').map((label) => label.trim().toLowerCase());
  const width = labels.length;
  if (!((width === 9 || width === 10) && labels.every((label, i) => LABELS[i]?.includes(label)))) {
    throw unreadable(path, `line 1 is not the header of an official token file (${OFFICIAL_COLUMNS.join(',')})`);
  }
  const tokens: OAuthToken[] = [];
  const seen = new Set<string>();
  for (let index = 1; index < lines.length; index++) {
    const line = (lines[index] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    const values = line.split(',');
    if (values.length !== width && !(width === 10 && values.length === 9)) {
      throw unreadable(path, `line ${index + 1} has ${values.length} columns where the header has ${width}`);
    }
    const row: Partial<Record<OfficialColumn, string>> = {};
    values.forEach((value, i) => (row[OFFICIAL_COLUMNS[i] as OfficialColumn] = value));
    const record = officialRowToRecord(row);
    if (record.id === '') throw unreadable(path, `line ${index + 1} has no id`);
    if (seen.has(record.id)) throw unreadable(path, `line ${index + 1} repeats the id ${record.id}`);
    seen.add(record.id);
    try {
      const { userName, ...fields } = record;
      tokens.push(OAuthToken.from({ ...fields, userSignature: userName }));
    } catch {
      throw unreadable(path, `line ${index + 1} holds a value no store can keep (a NUL character?)`);
    }
  }
  return tokens;
}

export async function readOfficialTokenFile(path: string): Promise<OAuthToken[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new CliError(ExitCode.USAGE, `The token file ${path} cannot be read (ENOENT).`, 'check the path', { code: 'STORE_NOT_FOUND' });
    throw new CliError(ExitCode.FAILED, `The token file ${path} cannot be read (${code ?? 'error'}).`, 'check the path');
  }
  return parseOfficialTokenFile(text, path);
}
