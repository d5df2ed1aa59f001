import type { OAuthToken } from '../token/oauth-token.js';

/**
 * The six methods every Zoho SDK calls around each API call, with the semantics of the official SDKs and the
 * Kaizen #192 article. A custom store implements exactly these; `zoho-token-store/testing` checks that it does.
 *
 * Decisions where the article is silent (every store in this package follows them, and the kit checks them):
 * - Tokens returned are the caller's own copies: changing one never changes what is stored, and a store never
 *   keeps a reference to a token passed in.
 * - Empty strings and `null` are the same thing (the official file format cannot tell them apart): a field saved
 *   as `''` reads back as `null`.
 * - `getTokens()` is ordered by id: decimal ids in numeric order, then any other ids in code-unit order.
 * - `deleteToken()` of an id that is not stored resolves and does nothing, so a retried delete is safe.
 */
export interface TokenStore {
  /**
   * Finds the stored token matching a partly filled one, by the matching rule (`matchKeyOf`): user name, else
   * access token (when no client credentials are given), else grant token, else refresh token (both with client
   * id and secret). Resolves to a new token whose empty fields are filled from the stored one (fields the caller
   * set are kept; the id is always the stored row's), or `null` when nothing matches. The argument is not changed.
   */
  findToken(token: OAuthToken): Promise<OAuthToken | null>;

  /**
   * Saves a token: updates the row with the token's id if it has one, else the row the matching rule finds, else
   * inserts a new row with a new unique id. The token's id is set to the row's id. A field the token leaves
   * empty keeps its stored value. Never creates a second row for a user. Rejects with `TOKEN_INCOMPLETE` when the
   * token has no access, refresh or grant token, and with `TOKEN_CONFLICT` when an update by id would give the
   * row a user name another row already has; nothing is written in either case.
   */
  saveToken(token: OAuthToken): Promise<void>;

  /** Deletes the token with this id. An id that is not stored is not an error. */
  deleteToken(id: string): Promise<void>;

  /** Every stored token, ordered by id (see above). */
  getTokens(): Promise<OAuthToken[]>;

  /** Deletes every stored token. */
  deleteTokens(): Promise<void>;

  /** The token with this id, or `null`. */
  findTokenById(id: string): Promise<OAuthToken | null>;
}
