import { maskSecret } from '../../token/mask.js';
import { visible } from '../visible-text.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { expiryStatusOf, relativeTime, type ExpiryStatus } from './expiry-status.js';

/** A token as the CLI prints it: secrets masked unless `reveal`, the expiry as a status. */
export interface TokenView {
  readonly id: string | null;
  readonly user: string | null;
  readonly clientId: string | null;
  readonly clientSecret: string | null;
  readonly refreshToken: string | null;
  readonly accessToken: string | null;
  readonly grantToken: string | null;
  readonly expiresAt: string | null;
  readonly status: ExpiryStatus;
  readonly redirectUrl: string | null;
  readonly apiDomain: string | null;
}

export function viewOf(token: OAuthToken, now: number, reveal = false): TokenView {
  const secret = reveal ? (value: string | null) => value : maskSecret;
  return {
    id: token.id,
    user: token.userName,
    clientId: token.clientId,
    clientSecret: secret(token.clientSecret),
    refreshToken: secret(token.refreshToken),
    accessToken: secret(token.accessToken),
    grantToken: secret(token.grantToken),
    expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
    status: expiryStatusOf(token, now),
    redirectUrl: token.redirectUrl,
    apiDomain: token.apiDomain,
  };
}

/** Lays rows out in columns: the header, then one line per row, columns padded to their widest cell. */
export function formatTable(header: readonly string[], shownRows: ReadonlyArray<readonly string[]>): string[] {
  // Cells are stored values: control characters are escaped, so that a value can neither move the cursor nor
  // start a line of its own.
  const rows = shownRows.map((row) => row.map(visible));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The status column of `list`: "valid (in 52m)", "expired (3h ago)". */
export function statusText(token: OAuthToken, now: number): string {
  const status = expiryStatusOf(token, now);
  if (status === 'no access token' || token.expiresAt === null) return status;
  return `${status} (${relativeTime(token.expiresAt, now)})`;
}

/** The lines of `show`: one field per line. */
export function detailLines(token: OAuthToken, now: number, reveal: boolean): string[] {
  const view = viewOf(token, now, reveal);
  const rows: Array<[string, string | null]> = [
    ['id', view.id],
    ['user', view.user],
    ['client id', view.clientId],
    ['client secret', view.clientSecret],
    ['refresh token', view.refreshToken],
    ['access token', view.accessToken],
    ['grant token', view.grantToken],
    ['expires', view.expiresAt === null ? null : `${view.expiresAt}, ${statusText(token, now)}`],
    ['redirect url', view.redirectUrl],
    ['api domain', view.apiDomain],
  ];
  return rows.map(([name, value]) => `${name.padEnd(14)}${value === null ? '-' : visible(value)}`);
}
