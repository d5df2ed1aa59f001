import { describeUnknown, unknownOption } from '../config/unknown-options.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';
import { MAX_ID_LENGTH, normalizeExpiry, normalizeText } from './validate-value.js';
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

/** A token's fields before it has an id; `signature` keeps the caller's UserSignature instance. */
interface TokenFields extends Omit<TokenRecord, 'id'> {
  readonly id: string | null;
  readonly signature?: UserSignature | null;
}

const INIT_OPTIONS: readonly string[] = [
  'id',
  'userSignature',
  'clientId',
  'clientSecret',
  'redirectUrl',
  'grantToken',
  'refreshToken',
  'accessToken',
  'expiresAt',
  'apiDomain',
];
// Names people reach for: the getter (`userName`), the official columns, the official SDK's builder methods.
const INIT_ALIASES: Readonly<Record<string, string>> = {
  userName: 'userSignature',
  user: 'userSignature',
  user_mail: 'userSignature',
  userMail: 'userSignature',
  email: 'userSignature',
  expiryTime: 'expiresAt',
  expiry_time: 'expiresAt',
  expires: 'expiresAt',
  expiresIn: 'expiresAt',
  redirectUri: 'redirectUrl',
  redirect_uri: 'redirectUrl',
};

/**
 * Refuses a field an OAuthToken does not have: it would be dropped in silence (a token saved without its user,
 * say). Tokens themselves are not checked: their own fields are the known ones.
 */
function checkInitNames(init: OAuthTokenInit): void {
  if (init instanceof OAuthToken) return;
  if (typeof init !== 'object' || init === null) {
    throw new TokenArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      'OAuthToken takes an object of fields, e.g. new OAuthToken({ userSignature, refreshToken }).',
    );
  }
  const unknown = unknownOption(init, INIT_OPTIONS);
  if (unknown !== null)
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `OAuthToken: ${describeUnknown(unknown, INIT_OPTIONS, INIT_ALIASES)}`);
}

function validatedFields(init: OAuthTokenInit): TokenFields {
  checkInitNames(init);
  const given = init.userSignature;
  let signature: UserSignature | null = null;
  if (given instanceof UserSignature) {
    normalizeText('userSignature', given.name);
    signature = given;
  } else if (given !== undefined && given !== null && given !== '') {
    signature = new UserSignature(normalizeText('userSignature', given) as string);
  }
  return {
    id: normalizeText('id', init.id, MAX_ID_LENGTH),
    userName: signature?.name ?? null,
    signature,
    clientId: normalizeText('clientId', init.clientId),
    clientSecret: normalizeText('clientSecret', init.clientSecret),
    redirectUrl: normalizeText('redirectUrl', init.redirectUrl),
    grantToken: normalizeText('grantToken', init.grantToken),
    refreshToken: normalizeText('refreshToken', init.refreshToken),
    accessToken: normalizeText('accessToken', init.accessToken),
    expiresAt: normalizeExpiry(init.expiresAt),
    apiDomain: normalizeText('apiDomain', init.apiDomain),
  };
}

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

  constructor(init: OAuthTokenInit = NO_INIT) {
    // One small code path for both origins keeps this constructor cheap: it runs on every lookup.
    const fields: TokenFields = trustedRecord ?? validatedFields(init);
    const signature = trustedRecord ? trustedSignature : fields.signature;
    trustedRecord = null;
    trustedSignature = null;
    this.id = fields.id;
    this.userSignature =
      fields.userName === null ? null : signature?.name === fields.userName ? signature : new UserSignature(fields.userName);
    this.clientId = fields.clientId;
    this.clientSecret = fields.clientSecret;
    this.redirectUrl = fields.redirectUrl;
    this.grantToken = fields.grantToken;
    this.refreshToken = fields.refreshToken;
    this.accessToken = fields.accessToken;
    this.expiresAt = fields.expiresAt;
    this.apiDomain = fields.apiDomain;
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
    return new OAuthToken();
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
