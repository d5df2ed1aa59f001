import type { TokenRecord } from './token-fields.js';

/**
 * The official column names, in the order of the official `oauthtoken` table and `sdk_tokens.txt` file.
 * Files written by older SDKs have only the first nine (no `api_domain`).
 */
export const OFFICIAL_COLUMNS = [
  'id',
  'user_name',
  'client_id',
  'client_secret',
  'refresh_token',
  'access_token',
  'grant_token',
  'expiry_time',
  'redirect_url',
  'api_domain',
] as const;

export type OfficialColumn = (typeof OFFICIAL_COLUMNS)[number];

/** A token as the official stores keep it: every value a string, absent values `null` (empty in the file). */
export type OfficialRow = { [column in OfficialColumn]: string | null };

/** The record field stored in each official column. */
export const FIELD_OF_COLUMN = {
  id: 'id',
  user_name: 'userName',
  client_id: 'clientId',
  client_secret: 'clientSecret',
  refresh_token: 'refreshToken',
  access_token: 'accessToken',
  grant_token: 'grantToken',
  expiry_time: 'expiresAt',
  redirect_url: 'redirectUrl',
  api_domain: 'apiDomain',
} as const satisfies Record<OfficialColumn, keyof TokenRecord>;

/** The official column that stores each record field. */
export const COLUMN_OF_FIELD = Object.fromEntries(Object.entries(FIELD_OF_COLUMN).map(([column, field]) => [field, column])) as {
  [F in keyof TokenRecord]: OfficialColumn;
};

export function recordToOfficialRow(record: TokenRecord): OfficialRow {
  return {
    id: record.id,
    user_name: record.userName,
    client_id: record.clientId,
    client_secret: record.clientSecret,
    refresh_token: record.refreshToken,
    access_token: record.accessToken,
    grant_token: record.grantToken,
    expiry_time: record.expiresAt === null ? null : String(record.expiresAt),
    redirect_url: record.redirectUrl,
    api_domain: record.apiDomain,
  };
}

const empty = (value: string | null | undefined): string | null => (value === undefined || value === '' ? null : value);

/**
 * Reads an official row. Missing columns (a 9-column legacy row) and empty strings read as null. An `expiry_time`
 * that is not a whole number reads as null, so the token counts as expired and is refreshed rather than lost.
 */
export function officialRowToRecord(row: Partial<Record<OfficialColumn, string | null | undefined>>): TokenRecord {
  const expiry = empty(row.expiry_time);
  const expiresAt = expiry !== null && /^\d{1,16}$/.test(expiry.trim()) ? Number(expiry.trim()) : null;
  return {
    id: empty(row.id) ?? '',
    userName: empty(row.user_name),
    clientId: empty(row.client_id),
    clientSecret: empty(row.client_secret),
    refreshToken: empty(row.refresh_token),
    accessToken: empty(row.access_token),
    grantToken: empty(row.grant_token),
    expiresAt: expiresAt !== null && Number.isSafeInteger(expiresAt) ? expiresAt : null,
    redirectUrl: empty(row.redirect_url),
    apiDomain: empty(row.api_domain),
  };
}
