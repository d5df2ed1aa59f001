import { normalizeExpiry, normalizeText } from './validate-value.js';
import { maskSecret } from './mask.js';
import { UserSignature } from './user-signature.js';
import type { TokenRecord } from './token-fields.js';

/** What a token can be built from. Every field is optional; empty strings mean "absent". */
export interface OAuthTokenInit {
  id?: string | null;
  /** The user this token belongs to; a plain string is taken as the user's name. */
  userSignature?: UserSignature | string | null;
  clientId?: string | null;
  clientSecret?: string | null;
  redirectUrl?: string | null;
  grantToken?: string | null;
  refreshToken?: string | null;
  accessToken?: string | null;
  /** Absolute expiry of the access token in epoch milliseconds (the official `expiry_time`). */
  expiresAt?: number | null;
  apiDomain?: string | null;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// Set only for the duration of `fromRecord`'s `new OAuthToken()`: records were validated when written, so reading
// one skips validation. A module variable rather than a constructor parameter keeps the public signature clean.
let trustedRecord: TokenRecord | null = null;
let trustedSignature: UserSignature | null = null;
const NO_INIT: OAuthTokenInit = Object.freeze({});

/**
 * An OAuth token as the Zoho SDKs know it: the ten fields of the official `oauthtoken` table.
 *
 * Fields are public and mutable, as in the official SDKs. Stores never keep a reference to a token you pass in
 * and never hand out one they keep: every token you get back is your own copy.
 *
 * `toString()`, `util.inspect` (so `console.log`) and `JSON.stringify` show secrets masked. To serialise a token for
 * storage, use `toRecord()` or the official-row helpers, never `JSON.stringify`.
 */
export class OAuthToken {
  // `declare`: the constructor assigns every field, so no class-field definitions run first (this is built on every lookup).
  declare id: string | null;
  declare userSignature: UserSignature | null;
  declare clientId: string | null;
  declare clientSecret: string | null;
  declare redirectUrl: string | null;
  declare grantToken: string | null;
  declare refreshToken: string | null;
  declare accessToken: string | null;
  declare expiresAt: number | null;
  declare apiDomain: string | null;

  constructor(init: OAuthTokenInit = {}) {
    const record = trustedRecord;
    if (record !== null) {
      trustedRecord = null;
      this.id = record.id;
      const signature = trustedSignature;
      trustedSignature = null;
      this.userSignature =
        record.userName === null ? null : signature?.name === record.userName ? signature : new UserSignature(record.userName);
      this.clientId = record.clientId;
      this.clientSecret = record.clientSecret;
      this.redirectUrl = record.redirectUrl;
      this.grantToken = record.grantToken;
      this.refreshToken = record.refreshToken;
      this.accessToken = record.accessToken;
      this.expiresAt = record.expiresAt;
      this.apiDomain = record.apiDomain;
      return;
    }
    this.id = normalizeText('id', init.id);
    const signature = init.userSignature;
    if (signature === undefined || signature === null || signature === '') this.userSignature = null;
    else if (signature instanceof UserSignature) this.userSignature = signature;
    else this.userSignature = new UserSignature(normalizeText('userSignature', signature) as string);
    this.clientId = normalizeText('clientId', init.clientId);
    this.clientSecret = normalizeText('clientSecret', init.clientSecret);
    this.redirectUrl = normalizeText('redirectUrl', init.redirectUrl);
    this.grantToken = normalizeText('grantToken', init.grantToken);
    this.refreshToken = normalizeText('refreshToken', init.refreshToken);
    this.accessToken = normalizeText('accessToken', init.accessToken);
    this.expiresAt = normalizeExpiry(init.expiresAt);
    this.apiDomain = normalizeText('apiDomain', init.apiDomain);
  }

  /** The user's name from the signature, or null. */
  get userName(): string | null {
    return this.userSignature?.name ?? null;
  }

  /** A validated, normalised copy of any token-shaped value (an `OAuthToken` whose fields were changed by hand included). */
  static from(token: OAuthToken | OAuthTokenInit): OAuthToken {
    return new OAuthToken(token);
  }

  /**
   * Builds a token from a stored record. Records are validated when written, so this does not validate again.
   * `signature` is reused when it names the record's user (signatures are immutable), saving an allocation.
   */
  static fromRecord(record: TokenRecord, signature: UserSignature | null = null): OAuthToken {
    trustedRecord = record;
    trustedSignature = signature;
    return new OAuthToken(NO_INIT);
  }

  /** The token as a plain record with the given id (secrets in clear: for stores, not for logs). */
  toRecord(id: string): TokenRecord {
    return {
      id,
      userName: this.userName,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      refreshToken: this.refreshToken,
      accessToken: this.accessToken,
      grantToken: this.grantToken,
      expiresAt: this.expiresAt,
      redirectUrl: this.redirectUrl,
      apiDomain: this.apiDomain,
    };
  }

  clone(): OAuthToken {
    return OAuthToken.from(this);
  }

  /** A plain object safe to log: secrets masked. */
  toMasked(): Record<string, string | number | null> {
    return {
      id: this.id,
      userName: this.userName,
      clientId: this.clientId,
      clientSecret: maskSecret(this.clientSecret),
      refreshToken: maskSecret(this.refreshToken),
      accessToken: maskSecret(this.accessToken),
      grantToken: maskSecret(this.grantToken),
      expiresAt: this.expiresAt,
      redirectUrl: this.redirectUrl,
      apiDomain: this.apiDomain,
    };
  }

  toJSON(): Record<string, string | number | null> {
    return this.toMasked();
  }

  toString(): string {
    return `OAuthToken ${JSON.stringify(this.toMasked())}`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
