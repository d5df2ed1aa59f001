import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions, RefreshLockProvider, RefreshLockScope } from '../lock/refresh-lock.js';
import { OAuthToken } from '../token/oauth-token.js';
import type { TokenRecord } from '../token/token-fields.js';
import { normalizeId } from '../token/validate-value.js';
import { compareIds } from './compare-ids.js';
import { mergeIntoStored, fillFromStored } from './merge.js';
import { matchKeyOf, saveKeysOf } from './matching-rule.js';
import type { MaybePromise, TokenBackend, TokenWriter } from './token-backend.js';
import type { TokenStore } from './token-store.js';

const isPromise = <T>(value: MaybePromise<T>): value is Promise<T> =>
  typeof (value as Promise<T> | null)?.then === 'function';

/** Applies `finish` to a value that may or may not be a promise, without an extra tick when it is not. */
function then<T, R>(value: MaybePromise<T>, finish: (resolved: T) => R): Promise<R> {
  return isPromise(value) ? value.then(finish) : Promise.resolve(finish(value));
}

/**
 * A `TokenStore` built on a `TokenBackend`: the six methods of the contract, the matching rule and the merge,
 * written once for every engine. Stores in this package extend it; a custom store can too, by writing only a
 * backend (find by field, serialised upsert, delete, list, lock).
 */
export class BackendTokenStore implements TokenStore, RefreshLockProvider {
  readonly #backend: TokenBackend;
  readonly #label: string;
  #closed = false;

  constructor(backend: TokenBackend, label = 'token store') {
    this.#backend = backend;
    this.#label = label;
  }

  get refreshLockScope(): RefreshLockScope {
    return this.#backend.refreshLockScope;
  }

  findToken(token: OAuthToken): Promise<OAuthToken | null> {
    return this.#guard('find a token', () => {
      const query = asToken(token, 'findToken');
      const key = matchKeyOf(query);
      if (key === null) return Promise.resolve(null);
      if (typeof key.value !== 'string') {
        throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `findToken: token field "${key.field}" must be a string.`);
      }
      return then(this.#backend.findBy(key.field, key.value), (record) => (record ? fillFromStored(query, record) : null));
    });
  }

  saveToken(token: OAuthToken): Promise<void> {
    return this.#guard('save a token', () => {
      const input = asToken(token, 'saveToken');
      const candidate = OAuthToken.from(input);
      if (!candidate.accessToken && !candidate.refreshToken && !candidate.grantToken) {
        throw new TokenStoreError(
          ErrorCode.TOKEN_INCOMPLETE,
          'saveToken needs an access, refresh or grant token; this token has none, so nothing was saved.',
        );
      }
      return this.#backend.write((writer) => upsert(writer, candidate)).then((id) => {
        input.id = id;
      });
    });
  }

  deleteToken(id: string): Promise<void> {
    return this.#guard('delete a token', () =>
      then(this.#backend.deleteById(normalizeId(id, 'deleteToken')), () => undefined),
    );
  }

  getTokens(): Promise<OAuthToken[]> {
    return this.#guard('list tokens', () =>
      then(this.#backend.list(), (records) =>
        [...records].sort((a, b) => compareIds(a.id, b.id)).map((record) => OAuthToken.fromRecord(record)),
      ),
    );
  }

  deleteTokens(): Promise<void> {
    return this.#guard('delete all tokens', () => then(this.#backend.deleteAll(), () => undefined));
  }

  findTokenById(id: string): Promise<OAuthToken | null> {
    return this.#guard('find a token by id', () =>
      then(this.#backend.findBy('id', normalizeId(id, 'findTokenById')), (record) =>
        record ? OAuthToken.fromRecord(record) : null,
      ),
    );
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#guard('take the refresh lock', () =>
      this.#backend.acquireRefreshLock(normalizeId(key, 'acquireRefreshLock'), options),
    );
  }

  /** Closes what the store opened itself (never a client or pool you passed in). Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#backend.close?.();
  }

  /**
   * Runs one method: refuses after close, turns a synchronous throw into a rejection, and wraps engine failures
   * as `TOKEN_STORE` errors with the cause attached; this library's own errors pass through unchanged.
   */
  #guard<T>(action: string, run: () => Promise<T>): Promise<T> {
    let pending: Promise<T>;
    try {
      if (this.#closed) {
        throw new TokenStoreError(ErrorCode.STORE_CLOSED, `The ${this.#label} is closed; open a new one to use it again.`);
      }
      pending = run();
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.catch((error: unknown) => {
      if (error instanceof TokenStoreError || error instanceof TokenArgumentError) throw error;
      throw new TokenStoreError(ErrorCode.TOKEN_STORE, `The ${this.#label} could not ${action}; see the cause.`, {
        cause: error,
      });
    });
  }
}

function asToken(token: unknown, method: string): OAuthToken {
  if (!(token instanceof OAuthToken)) {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `${method} needs an OAuthToken (use new OAuthToken({...})).`);
  }
  return token;
}

/** The save algorithm, run inside the backend's serialised write. Resolves to the id of the row written. */
async function upsert(writer: TokenWriter, token: OAuthToken): Promise<string> {
  let stored: TokenRecord | null = null;
  let matchedBy: string | null = null;
  for (const key of saveKeysOf(token)) {
    stored = await writer.findBy(key.field, key.value);
    if (stored) {
      matchedBy = key.field;
      break;
    }
  }
  if (!stored) {
    const record = token.toRecord(token.id ?? (await writer.nextId()));
    await writer.insert(record);
    return record.id;
  }
  const record = mergeIntoStored(stored, token);
  if (matchedBy === 'id' && record.userName !== null && record.userName !== stored.userName) {
    const holder = await writer.findBy('userName', record.userName);
    if (holder && holder.id !== stored.id) {
      throw new TokenStoreError(
        ErrorCode.TOKEN_CONFLICT,
        `Token ${stored.id} cannot take a user name that token ${holder.id} already has; delete one of them first.`,
      );
    }
  }
  await writer.update(record);
  return record.id;
}
