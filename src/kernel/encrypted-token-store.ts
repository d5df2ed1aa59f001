import { matchFieldOf, matchValueOf } from '../contract/matching-rule.js';
import type { ReencryptResult } from '../contract/token-backend.js';
import type { TokenStore } from '../contract/token-store.js';
import { BackendTokenStore } from './backend-token-store.js';
import { asToken } from '../contract/token-argument.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { supportsRefreshLock, type RefreshLease, type RefreshLockOptions, type RefreshLockScope } from '../contract/refresh-lock.js';
import { OAuthToken } from '../token/oauth-token.js';
import type { TokenRecord } from '../token/token-fields.js';
import { recordCipherOf } from '../encryption/encrypting-backend.js';
import { encryptionConfig, type EncryptionOptions } from '../encryption/encryption-options.js';
import { isLookupSecretField } from '../encryption/field-cipher.js';
import type { RecordCipher } from '../encryption/record-cipher.js';

/** A token whose fields are `record`'s, with the id given (null for none). */
function tokenOf(record: TokenRecord, id: string | null, token: OAuthToken): OAuthToken {
  const result = OAuthToken.fromRecord(record, token.userSignature);
  result.id = id;
  return result;
}

/**
 * Encryption at rest for a `TokenStore` you wrote yourself: the wrapped store only ever sees the access, refresh
 * and grant tokens and the client secret as envelopes (see docs/encryption.md), and this wrapper decrypts what it
 * hands back. Made by `encryptTokenStore`.
 *
 * While an older key is still in the ring, a save whose token is stored under it finds that row first (by the
 * same matching rule) and updates it by id, so rotation never creates a second row. That lookup and the save are
 * two calls: the wrapped store's own serialisation of saves applies to each, not to the pair.
 */
export class EncryptedTokenStore implements TokenStore {
  readonly #inner: TokenStore;
  readonly #cipher: RecordCipher;
  /** The wrapped store's refresh lock, present only when it has one (a lock that always timed out would stall refreshes). */
  readonly acquireRefreshLock?: (key: string, options: RefreshLockOptions) => Promise<RefreshLease | null>;
  readonly refreshLockScope?: RefreshLockScope;
  /** Closes the wrapped store: present only when it has a `close()`. */
  readonly close?: () => Promise<void>;

  constructor(inner: TokenStore, cipher: RecordCipher) {
    this.#inner = inner;
    this.#cipher = cipher;
    if (supportsRefreshLock(inner)) {
      this.refreshLockScope = inner.refreshLockScope;
      this.acquireRefreshLock = (key, options) => inner.acquireRefreshLock(key, options);
    }
    const closable = inner as Partial<{ close(): Promise<void> }>;
    if (typeof closable.close === 'function') this.close = () => closable.close?.() ?? Promise.resolve();
  }

  async findToken(token: OAuthToken): Promise<OAuthToken | null> {
    // Validated like a store validates it: a field set by hand to a non-string is a TokenArgumentError, not a crash.
    const query = OAuthToken.from(asToken(token, 'findToken'));
    const sealed = tokenOf(this.#cipher.sealQuery(query.toRecord('')), query.id, query);
    const found = await this.#inner.findToken(sealed);
    if (found !== null) return this.#opened(found, query);
    const field = matchFieldOf(query);
    if (field === null || !isLookupSecretField(field)) return null;
    for (const form of this.#cipher.olderForms(field, matchValueOf(query, field))) {
      sealed[field] = form;
      const older = await this.#inner.findToken(sealed);
      if (older !== null) return this.#opened(older, query);
    }
    return null;
  }

  async saveToken(token: OAuthToken): Promise<void> {
    const candidate = OAuthToken.from(asToken(token, 'saveToken'));
    let id = candidate.id;
    const field = matchFieldOf(candidate);
    if (id === null && this.#cipher.hasOlderForms && field !== null && isLookupSecretField(field)) {
      id = (await this.findToken(candidate))?.id ?? null;
    }
    const sealed = tokenOf(this.#cipher.seal(candidate.toRecord(id ?? '')), id, candidate);
    await this.#inner.saveToken(sealed);
    token.id = sealed.id;
  }

  deleteToken(id: string): Promise<void> {
    return this.#inner.deleteToken(id);
  }

  async getTokens(): Promise<OAuthToken[]> {
    return (await this.#inner.getTokens()).map((stored) => this.#opened(stored, null));
  }

  deleteTokens(): Promise<void> {
    return this.#inner.deleteTokens();
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    const stored = await this.#inner.findTokenById(id);
    return stored === null ? null : this.#opened(stored, null);
  }

  /**
   * Moves every stored token to the current key, one save by id each, and resolves to how many were rewritten.
   * Every token is decrypted first: when one cannot be (KEY_INVALID), nothing is rewritten.
   */
  async reencrypt(): Promise<ReencryptResult> {
    const stale: Array<{ stored: OAuthToken; clear: TokenRecord }> = [];
    for (const stored of await this.#inner.getTokens()) {
      const record = stored.toRecord(stored.id ?? '');
      const clear = this.#cipher.open(record);
      if (!this.#cipher.isCurrent(record)) stale.push({ stored, clear });
    }
    let rewritten = 0;
    for (const { stored, clear } of stale) {
      await this.#inner.saveToken(tokenOf(this.#cipher.seal(clear), stored.id, stored));
      rewritten += 1;
    }
    return { rewritten };
  }

  /** A token from the wrapped store, decrypted; fields the caller's query set are the caller's values. */
  #opened(stored: OAuthToken, query: OAuthToken | null): OAuthToken {
    const opened = tokenOf(this.#cipher.open(stored.toRecord(stored.id ?? '')), stored.id, stored);
    if (query !== null) {
      if (query.clientSecret) opened.clientSecret = query.clientSecret;
      if (query.refreshToken) opened.refreshToken = query.refreshToken;
      if (query.accessToken) opened.accessToken = query.accessToken;
      if (query.grantToken) opened.grantToken = query.grantToken;
    }
    return opened;
  }
}

/**
 * Wraps your own `TokenStore` (not one built on `BackendTokenStore`: give those the `encryption` option, or an
 * `EncryptingBackend`) so it stores the access, refresh and grant tokens and the client secret encrypted
 * (AES-256-GCM, key ring, lookups by token value kept). Throws INVALID_CONFIG / KEY_INVALID for a bad key ring.
 *
 * ```ts
 * const store = encryptTokenStore(new MyStore(), { keys: { k1: process.env.TOKEN_KEY! }, currentKeyId: 'k1' });
 * ```
 */
export function encryptTokenStore(store: TokenStore, options: EncryptionOptions): EncryptedTokenStore {
  if (store instanceof BackendTokenStore) {
    throw new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      'encryptTokenStore: this store is built on BackendTokenStore; pass "encryption" to the store itself, or wrap ' +
        'your backend: new BackendTokenStore(new EncryptingBackend(backend, options)).',
    );
  }
  return new EncryptedTokenStore(store, recordCipherOf(encryptionConfig(options, 'encryptTokenStore')));
}
