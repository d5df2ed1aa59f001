import { matchKeyOf } from '../contract/matching-rule.js';
import type { TokenStore } from '../contract/token-store.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../errors/token-store-error.js';
import { OAuthToken } from '../token/oauth-token.js';
import { SingleFlight } from './single-flight.js';
import type { TokenCache } from './token-cache.js';
import type { OAuthClientConfig } from './token-manager-options.js';
import { describeSelector, type TokenSelector } from './token-selector.js';

/** A token read from the store (`persisted`) or given by the caller and not stored yet. */
export interface Snapshot {
  readonly token: OAuthToken;
  readonly persisted: boolean;
  /** Callers with the same key share one renewal. */
  readonly flightKey: string;
}

/**
 * Step 2 of the flow: finds the selected token in the store (`findTokenById` for an id, else `findToken`), or takes
 * the configured or given token when none is stored yet. Forgets cache entries of tokens deleted elsewhere.
 */
export class TokenLookup {
  readonly #store: TokenStore;
  readonly #tokens: readonly OAuthToken[];
  readonly #client: OAuthClientConfig | null;
  readonly #cache: TokenCache;
  readonly #defaultToken: OAuthToken | null;
  // Concurrent reads of one token share one store round trip (100 callers at expiry would otherwise queue 100
  // reads on a pool); each caller gets its own copy.
  readonly #reads = new SingleFlight<OAuthToken | null>();

  constructor(options: { store: TokenStore; tokens: readonly OAuthToken[]; client: OAuthClientConfig | null; cache: TokenCache }) {
    this.#store = options.store;
    this.#tokens = options.tokens;
    this.#client = options.client;
    this.#cache = options.cache;
    this.#defaultToken = options.tokens.length === 1 ? (options.tokens[0] as OAuthToken) : null;
  }

  /** The token served without a selector: the one configured token, if there is exactly one. */
  get defaultToken(): OAuthToken | null {
    return this.#defaultToken;
  }

  /** Finds the selected token in the store, or takes the configured/given token when none is stored yet. */
  async read(selector: TokenSelector | undefined): Promise<Snapshot> {
    const store = this.#store;
    if (selector === undefined) {
      if (this.#defaultToken) return this.readToken(this.#defaultToken);
      throw new TokenArgumentError(
        ErrorCode.INVALID_ARGUMENT,
        `This TokenManager has ${this.#tokens.length} configured tokens; pass a selector ({ user }, { id } or { token }).`,
      );
    }
    if ('id' in selector) {
      const found = await this.#shared(`id:${selector.id}`, () => store.findTokenById(selector.id));
      if (found) return persisted(found);
      this.#cache.drop(selector.id); // deleted elsewhere
      throw notFound(describeSelector(selector));
    }
    if ('user' in selector) {
      const user = selector.user;
      const found = await this.#shared(`user:${user}`, () => store.findToken(new OAuthToken({ userSignature: user })));
      if (found) return persisted(found);
      const configured = this.#tokens.find((token) => token.userName === selector.user);
      if (configured) return this.readToken(configured);
      this.#cache.dropUser(selector.user); // deleted elsewhere
      throw notFound(describeSelector(selector));
    }
    return this.readToken(selector.token);
  }

  /** The read under `key` in flight, or a new one; a copy of its token for this caller. */
  async #shared(key: string, read: () => Promise<OAuthToken | null>): Promise<OAuthToken | null> {
    return (await this.#reads.run(key, read))?.clone() ?? null;
  }

  async readToken(given: OAuthToken): Promise<Snapshot> {
    const store = this.#store;
    const token = given.clone();
    if (token.id) {
      const found = await store.findTokenById(token.id);
      if (found) return persisted(found);
      token.id = null;
    }
    const client = this.#client;
    if (client && !token.clientId && !token.clientSecret) {
      token.clientId = client.clientId;
      token.clientSecret = client.clientSecret;
    }
    if (client?.redirectUri && !token.redirectUrl) token.redirectUrl = client.redirectUri;
    const key = matchKeyOf(token);
    if (key) {
      // Only the key's fields: findToken keeps the fields a query sets, and stored values (a rotated refresh
      // token, a newer access token) must win over the ones the caller configured.
      const query =
        key.field === 'userName'
          ? new OAuthToken({ userSignature: key.value })
          : key.field === 'accessToken'
            ? new OAuthToken({ accessToken: key.value })
            : new OAuthToken({ clientId: token.clientId, clientSecret: token.clientSecret, [key.field]: key.value });
      const found = await store.findToken(query);
      if (found) return persisted(found);
    }
    if (!token.accessToken && !token.refreshToken && !token.grantToken) throw notFound(describeSelector({ token: given }));
    return { token, persisted: false, flightKey: key ? `${key.field}:${key.value}` : `unsaved:${Math.random()}` };
  }
}

export const persisted = (token: OAuthToken): Snapshot => ({ token, persisted: true, flightKey: `id:${String(token.id)}` });

export function notFound(what: string): TokenStoreError {
  return new TokenStoreError(
    ErrorCode.TOKEN_NOT_FOUND,
    `No stored token for ${what}; authorize the user first (TokenManager.exchangeGrant).`,
  );
}
