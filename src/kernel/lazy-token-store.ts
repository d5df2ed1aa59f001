import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions, RefreshLockProvider, RefreshLockScope } from '../contract/refresh-lock.js';
import type { OAuthToken } from '../token/oauth-token.js';
import type { TokenStore } from '../contract/token-store.js';
import type { FencedSaveProvider, FencedSaveResult, SaveCondition } from '../contract/fenced-save.js';

type OpenedStore = TokenStore & RefreshLockProvider & FencedSaveProvider & { close?(): Promise<void> };

/**
 * A store opened on first use: lets a synchronous constructor (TokenManager's) default to a store that opens
 * asynchronously (SQLite on a file). A failed open is retried by the next call; `close()` closes it if opened.
 */
export class LazyTokenStore implements TokenStore, RefreshLockProvider, FencedSaveProvider {
  readonly refreshLockScope: RefreshLockScope;
  readonly #open: () => Promise<OpenedStore>;
  #opening: Promise<OpenedStore> | null = null;
  #closed = false;

  constructor(open: () => Promise<OpenedStore>, refreshLockScope: RefreshLockScope) {
    this.#open = open;
    this.refreshLockScope = refreshLockScope;
  }

  #store(): Promise<OpenedStore> {
    if (this.#closed) {
      return Promise.reject(new TokenStoreError(ErrorCode.STORE_CLOSED, 'The store is closed; open a new one to use it again.'));
    }
    if (!this.#opening) {
      this.#opening = this.#open();
      this.#opening.catch(() => {
        this.#opening = null;
      });
    }
    return this.#opening;
  }

  async findToken(token: OAuthToken): Promise<OAuthToken | null> {
    return (await this.#store()).findToken(token);
  }

  async saveToken(token: OAuthToken): Promise<void> {
    return (await this.#store()).saveToken(token);
  }

  async deleteToken(id: string): Promise<void> {
    return (await this.#store()).deleteToken(id);
  }

  async getTokens(): Promise<OAuthToken[]> {
    return (await this.#store()).getTokens();
  }

  async deleteTokens(): Promise<void> {
    return (await this.#store()).deleteTokens();
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    return (await this.#store()).findTokenById(id);
  }

  async saveTokenIf(token: OAuthToken, condition: SaveCondition): Promise<FencedSaveResult> {
    return (await this.#store()).saveTokenIf(token, condition);
  }

  async acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return (await this.#store()).acquireRefreshLock(key, options);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const opening = this.#opening;
    this.#opening = null;
    if (opening) await (await opening.catch(() => null))?.close?.();
  }
}
