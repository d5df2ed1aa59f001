import { refuseEncrypted, refuseEnvelopeLike } from '../encryption/plaintext-guard.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions, RefreshLockProvider, RefreshLockScope } from '../contract/refresh-lock.js';
import { OAuthToken } from '../token/oauth-token.js';
import type { TokenRecord } from '../token/token-fields.js';
import { lookupText, MAX_TEXT_LENGTH, normalizeId, normalizeLockKey } from '../token/validate-value.js';
import { checkRefreshLockOptions } from './lock/lock-options.js';
import { eitherSignal } from '../time/either-signal.js';
import { compareIds } from '../contract/compare-ids.js';
import { asToken } from '../contract/token-argument.js';
import { mergeIntoStored, fillFromStored } from '../contract/merge.js';
import { matchFieldOf, matchValueOf, saveKeysOf } from '../contract/matching-rule.js';
import { isPromise, type MaybePromise, type ReencryptResult, type TokenBackend, type TokenWriter } from '../contract/token-backend.js';
import type { TokenStore } from '../contract/token-store.js';
import type { FencedSaveProvider, FencedSaveResult, SaveCondition } from '../contract/fenced-save.js';

/**
 * A `TokenStore` built on a `TokenBackend`: the six methods of the contract, the matching rule and the merge,
 * written once for every engine. Stores in this package extend it; a custom store can too, by writing only a
 * backend (find by field, serialised upsert, delete, list, lock).
 */
export class BackendTokenStore implements TokenStore, RefreshLockProvider, FencedSaveProvider {
  readonly #backend: TokenBackend;
  readonly #label: string;
  // Stores without encryption refuse encrypted records rather than hand out envelopes as tokens.
  readonly #guard: boolean;
  #closed = false;
  /** Aborted by close(): ends every refresh-lock wait in progress. */
  readonly #closing = new AbortController();

  constructor(backend: TokenBackend, label = 'token store') {
    this.#backend = backend;
    this.#label = label;
    this.#guard = backend.encrypted !== true;
  }

  get refreshLockScope(): RefreshLockScope {
    return this.#backend.refreshLockScope;
  }

  // Written out rather than through #run: this is the hot path of every API call, and two closures per call
  // cost more than the lookup itself.
  findToken(token: OAuthToken): Promise<OAuthToken | null> {
    try {
      if (this.#closed) throw this.#closedError();
      const query = asToken(token, 'findToken');
      const field = matchFieldOf(query);
      if (field === null) return Promise.resolve(null);
      const value = matchValueOf(query, field);
      if (typeof value !== 'string') {
        throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `findToken: token field "${field}" must be a string.`);
      }
      // A field set by hand skipped the token's validation: malformed text is refused, an over-long value not found.
      if (lookupText(field, value, MAX_TEXT_LENGTH) === null) return Promise.resolve(null);
      const found = this.#backend.findBy(field, value);
      if (!isPromise(found)) return Promise.resolve(found === null ? null : fillFromStored(query, this.#readable(found)));
      return found.then(
        (record) => (record === null ? null : fillFromStored(query, this.#readable(record))),
        (error: unknown) => Promise.reject(this.#wrap('find a token', error)),
      );
    } catch (error) {
      return Promise.reject(this.#wrap('find a token', error));
    }
  }

  saveToken(token: OAuthToken): Promise<void> {
    return this.#run(
      'save a token',
      () => {
        const candidate = OAuthToken.from(asToken(token, 'saveToken'));
        if (!candidate.accessToken && !candidate.refreshToken && !candidate.grantToken) {
          throw new TokenStoreError(
            ErrorCode.TOKEN_INCOMPLETE,
            'saveToken needs an access, refresh or grant token; this token has none, so nothing was saved.',
          );
        }
        const guardLabel = this.#guard ? this.#label : null;
        if (guardLabel !== null) refuseEnvelopeLike(candidate);
        return this.#save(candidate, guardLabel);
      },
      (id) => {
        token.id = id;
      },
    );
  }

  /**
   * A fenced save, the commit of a refresh (FencedSaveProvider): merges `token` into the stored token with its id
   * only while that one still holds `condition`'s access and refresh tokens; never inserts. Resolves to `saved`,
   * `changed` (another writer stored something else since; nothing written) or `gone` (deleted; nothing written).
   */
  saveTokenIf(token: OAuthToken, condition: SaveCondition): Promise<FencedSaveResult> {
    return this.#run(
      'save a token',
      () => {
        const candidate = OAuthToken.from(asToken(token, 'saveTokenIf'));
        const id = candidate.id;
        if (id === null)
          throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, 'saveTokenIf needs the id of the stored token to update.');
        if (!candidate.accessToken && !candidate.refreshToken && !candidate.grantToken) {
          throw new TokenStoreError(
            ErrorCode.TOKEN_INCOMPLETE,
            'saveTokenIf needs an access, refresh or grant token; this token has none, so nothing was saved.',
          );
        }
        const guardLabel = this.#guard ? this.#label : null;
        if (guardLabel !== null) refuseEnvelopeLike(candidate);
        return this.#backend.write((writer) => fencedUpdate(writer, id, candidate, condition, guardLabel));
      },
      (result) => result,
    );
  }

  deleteToken(id: string): Promise<void> {
    return this.#run(
      'delete a token',
      () => {
        const valid = normalizeId(id, 'deleteToken');
        return valid === null ? undefined : this.#backend.deleteById(valid);
      },
      () => undefined,
    );
  }

  getTokens(): Promise<OAuthToken[]> {
    return this.#run(
      'list tokens',
      () => this.#backend.list(),
      (records) => [...records].sort((a, b) => compareIds(a.id, b.id)).map((record) => OAuthToken.fromRecord(this.#readable(record))),
    );
  }

  deleteTokens(): Promise<void> {
    return this.#run(
      'delete all tokens',
      () => this.#backend.deleteAll(),
      () => undefined,
    );
  }

  findTokenById(id: string): Promise<OAuthToken | null> {
    return this.#run(
      'find a token by id',
      () => {
        const valid = normalizeId(id, 'findTokenById');
        return valid === null ? null : this.#backend.findBy('id', valid);
      },
      (record) => (record ? OAuthToken.fromRecord(this.#readable(record)) : null),
    );
  }

  /**
   * Moves every stored token to the current encryption key and resolves to how many were rewritten; run it after
   * making a new key current, before removing the old one. One token per write, so it can be interrupted and run
   * again. Rejects with KEY_INVALID, rewriting nothing, when a token cannot be decrypted, and with INVALID_CONFIG
   * on a store opened without the `encryption` option.
   */
  reencrypt(): Promise<ReencryptResult> {
    return this.#run(
      're-encrypt tokens',
      () => {
        if (!this.#backend.reencrypt) {
          throw new TokenStoreError(
            ErrorCode.INVALID_CONFIG,
            `The ${this.#label} has no encryption configured; open it with the "encryption" option to re-encrypt.`,
          );
        }
        return this.#backend.reencrypt();
      },
      (result) => result,
    );
  }

  /**
   * Takes the refresh lock of `key` (see RefreshLockProvider). The options are checked here, the same way for every
   * backend; `close()` ends a wait in progress with STORE_CLOSED.
   */
  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    let unlink = (): void => undefined;
    const lease = this.#run(
      'take the refresh lock',
      () => {
        const lockKey = normalizeLockKey(key, 'acquireRefreshLock');
        const checked = checkRefreshLockOptions(options);
        const linked = eitherSignal(checked.signal, this.#closing.signal);
        unlink = linked.unlink;
        return this.#backend.acquireRefreshLock(lockKey, { ...checked, signal: linked.signal });
      },
      (lease) => lease,
      options?.signal,
    );
    return lease.finally(() => unlink());
  }

  /**
   * Resolves once the store can serve: its driver loaded, its server reached, its tables or file ready. A wrong
   * setting fails here, typed (INVALID_CONFIG, DRIVER_MISSING, STORE_UNAVAILABLE, STORE_ACCESS_DENIED…), rather than
   * on first use. Safe to call again; a failed attempt is tried afresh.
   */
  ready(): Promise<void> {
    return this.#run(
      'open',
      () => this.#backend.open?.(),
      () => undefined,
    );
  }

  /**
   * The store once `ready()` resolved; when it fails, the store is closed (releasing what it opened) and the error
   * is the rejection. What every store's static `open` returns.
   */
  protected async opened(): Promise<this> {
    try {
      await this.ready();
    } catch (error) {
      await this.close();
      throw error;
    }
    return this;
  }

  /**
   * Closes what the store opened itself (never a client or pool you passed in): waits for a refresh lock end with
   * STORE_CLOSED, leases are released, later calls are STORE_CLOSED. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort(this.#closedError());
    await this.#backend.close?.();
  }

  /**
   * Runs one method: refuses after close, calls the backend, then `finish` on its result. A backend that answers
   * synchronously costs no extra promise. Engine failures become `TOKEN_STORE` errors with the cause attached;
   * this library's own errors pass through unchanged.
   */
  #run<T, R>(action: string, call: () => MaybePromise<T>, finish: (value: T) => R, signal?: AbortSignal): Promise<R> {
    try {
      if (this.#closed) throw this.#closedError();
      const value = call();
      if (isPromise(value)) return value.then(finish, (error: unknown) => Promise.reject(this.#wrap(action, error, signal)));
      return Promise.resolve(finish(value));
    } catch (error) {
      return Promise.reject(this.#wrap(action, error, signal));
    }
  }

  /**
   * saveToken's write. A token only its user name can match (no id) first goes to the backend's one-statement
   * update of that user's record, when it has one: the same merge without a transaction around a read. A new user,
   * or a record that update leaves alone, takes the full save.
   */
  #save(token: OAuthToken, guardLabel: string | null): MaybePromise<string> {
    const keys = saveKeysOf(token);
    if (this.#backend.updateByUserName === undefined || keys.length !== 1 || keys[0]?.field !== 'userName') {
      return this.#fullSave(token, guardLabel);
    }
    const updated = this.#backend.updateByUserName(token, guardLabel !== null);
    if (isPromise(updated)) return updated.then((id) => id ?? this.#fullSave(token, guardLabel));
    return updated ?? this.#fullSave(token, guardLabel);
  }

  #fullSave(token: OAuthToken, guardLabel: string | null): Promise<string> {
    return this.#backend.write((writer) => upsert(writer, token, guardLabel));
  }

  #readable(record: TokenRecord): TokenRecord {
    return this.#guard ? refuseEncrypted(record, this.#label) : record;
  }

  #closedError(): TokenStoreError {
    return new TokenStoreError(ErrorCode.STORE_CLOSED, `The ${this.#label} is closed; open a new one to use it again.`);
  }

  #wrap(action: string, error: unknown, signal?: AbortSignal): unknown {
    if (error instanceof TokenStoreError || error instanceof TokenArgumentError) return error;
    // An aborted wait rejects with the signal's own reason, as RefreshLockOptions promises, not a store error.
    if (signal?.aborted && error === signal.reason) return error;
    return new TokenStoreError(ErrorCode.TOKEN_STORE, `The ${this.#label} could not ${action}; see the cause.`, {
      cause: error,
    });
  }
}

/** The fenced save, run inside the backend's serialised write: the check and the update are one step. */
async function fencedUpdate(
  writer: TokenWriter,
  id: string,
  token: OAuthToken,
  condition: SaveCondition,
  guardLabel: string | null,
): Promise<FencedSaveResult> {
  const stored = await writer.findBy('id', id);
  if (stored === null) return 'gone';
  if (guardLabel !== null) refuseEncrypted(stored, guardLabel);
  if (stored.accessToken !== condition.accessToken || stored.refreshToken !== condition.refreshToken) return 'changed';
  const record = mergeIntoStored(stored, token);
  if (record.userName !== stored.userName) {
    throw new TokenStoreError(ErrorCode.INVALID_ARGUMENT, "saveTokenIf cannot change a token's user name; save it with saveToken.");
  }
  await writer.update(record);
  return 'saved';
}

/**
 * The save algorithm, run inside the backend's serialised write. Resolves to the id of the row written. With a
 * `guardLabel` (stores without encryption), a matched row holding encrypted values is refused, never merged into.
 */
async function upsert(writer: TokenWriter, token: OAuthToken, guardLabel: string | null): Promise<string> {
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
  if (guardLabel !== null) refuseEncrypted(stored, guardLabel);
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
