import { AsyncLocalStorage } from 'node:async_hooks';
import { OAuthToken, type TokenStore } from 'zoho-token-store';

/**
 * Finds the refresh token a sign-in replaces. `manager.exchangeGrant` saves the new token in the student's row,
 * over the previous one: afterwards the previous refresh token is in no store, yet still alive at Zoho (its refresh
 * tokens never expire). So the manager writes through `wrap(store)`, and within `capture(work)` a save that gives a
 * row a new refresh token records the row as it was before. Saves outside `capture` (refreshes) pass straight
 * through. AsyncLocalStorage keeps concurrent sign-ins apart: each sees only what its own exchange replaced.
 */
export class ReplacedRefreshTokens {
  readonly #scope = new AsyncLocalStorage<OAuthToken[]>();

  /** The store, unchanged but for `saveToken` (a Proxy, so the store's other abilities, its refresh lock, stay). */
  wrap<S extends TokenStore>(store: S): S {
    const scope = this.#scope;
    const saveToken = async (token: OAuthToken): Promise<void> => {
      const replaced = scope.getStore();
      if (replaced === undefined || !token.refreshToken) return store.saveToken(token);
      const before = token.id
        ? await store.findTokenById(token.id)
        : token.userName
          ? await store.findToken(new OAuthToken({ userSignature: token.userName }))
          : null;
      await store.saveToken(token);
      if (before?.refreshToken && before.refreshToken !== token.refreshToken && before.id === token.id) replaced.push(before);
    };
    return new Proxy(store, {
      get(target, property) {
        if (property === 'saveToken') return saveToken;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Runs `work` (an exchange) and returns what it resolved to, with the tokens its saves replaced. */
  async capture<T>(work: () => Promise<T>): Promise<{ result: T; replaced: OAuthToken[] }> {
    const replaced: OAuthToken[] = [];
    const result = await this.#scope.run(replaced, work);
    return { result, replaced };
  }
}
