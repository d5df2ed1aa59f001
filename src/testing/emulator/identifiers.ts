import { randomBytes, randomInt } from 'node:crypto';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A token value shaped like Zoho's: `1000.<32 hex>.<32 hex>` (grant codes, access and refresh tokens). */
export const newTokenValue = (): string => `1000.${hex(16)}.${hex(16)}`;

/** A client id shaped like Zoho's: `1000.` and 30 upper-case letters and digits. */
export const newClientId = (): string => `1000.${Array.from({ length: 30 }, () => ALNUM[randomInt(ALNUM.length)]).join('')}`;

/** A client secret shaped like Zoho's: 42 lower-case hex digits. */
export const newClientSecret = (): string => hex(21);

/** A numeric id shaped like Zoho's user and org ids (19 and 9 digits). */
export const newNumericId = (digits: number): string =>
  String(randomInt(1, 10)) + Array.from({ length: digits - 1 }, () => String(randomInt(10))).join('');
