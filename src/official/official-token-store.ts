import type { TokenStore } from '../contract/token-store.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../errors/token-store-error.js';
import type { TokenManager } from '../lifecycle/token-manager.js';
import type { TokenCredentials } from '../lifecycle/token-cache.js';
import { officialSdk, type OfficialSdk } from './official-sdk.js';
import { fillOfficial, newOfficialToken, toOurToken, type OfficialOAuthToken } from './official-token.js';

// The official stores' error code (`Constants.TOKEN_STORE`): what official callers test `SDKException.code` against.
const TOKEN_STORE = 'TOKEN_STORE';

/**
 * Any `TokenStore` (one of this package's or your own) as the store `@zohocrm/typescript-sdk-8.0` expects:
 * `new InitializeBuilder().store(new OfficialTokenStore(store))`.
 *
 * It behaves as the official FileStore and DBStore do at every seam: it takes and returns official `OAuthToken`
 * instances, fills the token the SDK passes to `findToken` and `saveToken` in place, throws when `findTokenById`
 * finds nothing, and rejects with the official `SDKException` (code `TOKEN_STORE`, this package's error as `cause`).
 *
 * Given a `TokenManager` instead of a store (managed mode), every token the official SDK reads is already valid: the
 * manager refreshes it (once per expiry for all callers, and across processes through the store's refresh lock) or
 * exchanges its grant code, so the official SDK never calls Zoho's accounts server itself. See docs/official-sdk.md.
 */
export class OfficialTokenStore {
  readonly #store: TokenStore;
  readonly #manager: TokenManager | null;
  readonly #sdk: OfficialSdk;

  constructor(storeOrManager: TokenStore | TokenManager) {
    if (typeof storeOrManager !== 'object' || storeOrManager === null) {
      throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, 'OfficialTokenStore needs a TokenStore or a TokenManager.');
    }
    this.#sdk = officialSdk();
    const manager = isManager(storeOrManager) ? storeOrManager : null;
    this.#manager = manager;
    this.#store = manager?.store ?? (storeOrManager as TokenStore);
    for (const method of ['findToken', 'saveToken', 'deleteToken', 'getTokens', 'deleteTokens', 'findTokenById'] as const) {
      if (typeof (this.#store as unknown as Record<string, unknown>)[method] !== 'function') {
        throw new TokenArgumentError(
          ErrorCode.INVALID_ARGUMENT,
          `OfficialTokenStore needs a TokenStore: the store given has no ${method}() method.`,
        );
      }
    }
  }

  /** The store underneath (the manager's store in managed mode). */
  get store(): TokenStore {
    return this.#store;
  }

  /** The manager keeping tokens valid, or null when the official SDK refreshes by itself. */
  get manager(): TokenManager | null {
    return this.#manager;
  }

  /**
   * The stored token matching the official one (the matching rule: user name, else access token, else grant or
   * refresh token), filled into the SDK's own token object, which is returned; null when none matches.
   * Managed: the token's access token and expiry are a valid one's, refreshed or exchanged first if needed.
   */
  findToken(token: OfficialOAuthToken): Promise<OfficialOAuthToken | null> {
    return this.#run('findToken', async () => {
      const ours = toOurToken(token);
      // Nothing to match on (the official revoke passes a token with only an id, and does not await the call):
      // null, as from the official stores, rather than an error nobody catches.
      if (!ours.userName && !ours.accessToken && !ours.refreshToken && !ours.grantToken) return null;
      if (this.#manager === null) {
        const found = await this.#store.findToken(ours);
        return found === null ? null : fillOfficial(this.#sdk, token, found);
      }
      const credentials = await this.#manager.credentials({ token: ours });
      return this.#fillValid(token, credentials);
    });
  }

  /**
   * A new official token for this id. Throws `SDKException` TOKEN_STORE when no token has it, as the official
   * stores do: the official SDK would otherwise go on with an empty token.
   */
  findTokenById(id: string): Promise<OfficialOAuthToken> {
    return this.#run('findTokenById', async () => {
      if (this.#manager === null) {
        const found = await this.#store.findTokenById(id);
        if (found === null) throw noTokenWithId();
        return newOfficialToken(this.#sdk, found);
      }
      const credentials = await this.#manager.credentials({ id });
      return this.#fillValid(Reflect.construct(this.#sdk.OAuthToken, []), credentials);
    });
  }

  /**
   * Saves the official token (update by id, else by the matching rule, else insert) and, as the official stores
   * do, gives the SDK's object the row's id and fills its empty fields from the stored row.
   */
  saveToken(token: OfficialOAuthToken): Promise<void> {
    return this.#run('saveToken', async () => {
      const ours = toOurToken(token);
      await this.#store.saveToken(ours);
      const saved = ours.id === null ? null : await this.#store.findTokenById(ours.id);
      fillOfficial(this.#sdk, token, saved ?? ours);
    });
  }

  /** Deletes the token with this id from the store (no call to Zoho: revoke with `TokenManager.revoke`). */
  deleteToken(id: string): Promise<void> {
    return this.#run('deleteToken', () => this.#store.deleteToken(id));
  }

  /** Every stored token, as new official tokens, ordered by id. */
  getTokens(): Promise<OfficialOAuthToken[]> {
    return this.#run('getTokens', async () => (await this.#store.getTokens()).map((token) => newOfficialToken(this.#sdk, token)));
  }

  deleteTokens(): Promise<void> {
    return this.#run('deleteTokens', () => this.#store.deleteTokens());
  }

  /**
   * Managed mode: an API answered 401 INVALID_TOKEN for this token (the official SDK returns that response and does
   * not retry). The manager forgets its access token; the next official call for it gets a valid one (another
   * process's, or a refresh). Pass the official token the call used, or its access token.
   */
  reportInvalidToken(token: OfficialOAuthToken | string): void {
    const accessToken = typeof token === 'string' ? token : token?.getAccessToken?.();
    if (this.#manager === null) {
      throw new TokenStoreError(
        ErrorCode.INVALID_CONFIG,
        'reportInvalidToken needs managed mode: build the OfficialTokenStore with a TokenManager.',
      );
    }
    if (typeof accessToken === 'string' && accessToken !== '') this.#manager.reportInvalidToken(accessToken);
  }

  /** Managed mode: fills the official token from the stored row, then puts the manager's valid access token over it. */
  async #fillValid(token: OfficialOAuthToken, credentials: TokenCredentials): Promise<OfficialOAuthToken> {
    const stored = await this.#store.findTokenById(credentials.tokenId);
    if (stored === null) throw noTokenWithId();
    fillOfficial(this.#sdk, token, stored);
    // The stored access token and expiry may be older than the manager's; a rotated refresh token replaces the one
    // the SDK holds (the manager, not the SDK, is the one to use it).
    token.setAccessToken(credentials.accessToken);
    token.setExpiresIn(credentials.expiresAt === null ? null : String(credentials.expiresAt));
    token.setAPIDomain(credentials.apiDomain);
    if (stored.refreshToken !== null) token.setRefreshToken(stored.refreshToken);
    return token;
  }

  async #run<T>(method: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.#officialError(method, error);
    }
  }

  #officialError(method: string, error: unknown): Error {
    if (error instanceof this.#sdk.SDKException) return error;
    const code = (error as { code?: unknown } | null)?.code;
    const reason = typeof code === 'string' ? ` (${code})` : '';
    // The official SDKException appends its cause's text to the message; this package's messages hold no secret.
    return new this.#sdk.SDKException(TOKEN_STORE, `zoho-token-store ${method} failed${reason}: `, null, error);
  }
}

function isManager(value: object): value is TokenManager {
  const candidate = value as Partial<TokenManager>;
  return typeof candidate.credentials === 'function' && typeof candidate.reportInvalidToken === 'function' && 'store' in candidate;
}

function noTokenWithId(): TokenStoreError {
  return new TokenStoreError(
    ErrorCode.TOKEN_NOT_FOUND,
    'No stored token has this id; authorize the user first or use the id saveToken gave the token.',
  );
}
