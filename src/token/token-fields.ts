/**
 * The ten fields of a stored token, as plain data. `OAuthToken` is the class users hold; `TokenRecord` is what a
 * store's engine reads and writes. Text fields are `null` when absent: an empty string is never stored.
 */
export interface TokenRecord {
  readonly id: string;
  readonly userName: string | null;
  readonly clientId: string | null;
  readonly clientSecret: string | null;
  readonly refreshToken: string | null;
  readonly accessToken: string | null;
  readonly grantToken: string | null;
  /** Absolute expiry of the access token, epoch milliseconds (the official `expiry_time`). */
  readonly expiresAt: number | null;
  readonly redirectUrl: string | null;
  readonly apiDomain: string | null;
}

/** The text fields of a token, in the official column order (minus `id`, `user_name` and `expiry_time`). */
export const TEXT_FIELDS = ['clientId', 'clientSecret', 'refreshToken', 'accessToken', 'grantToken', 'redirectUrl', 'apiDomain'] as const;

export type TextField = (typeof TEXT_FIELDS)[number];

/** Fields that must never appear in clear in a log line, error message, event or `inspect` output. */
export const SECRET_FIELDS = ['clientSecret', 'refreshToken', 'accessToken', 'grantToken'] as const;

export type SecretField = (typeof SECRET_FIELDS)[number];
