import type { OAuthToken } from '../token/oauth-token.js';

/** What the stored token must still hold for a fenced save to apply: the values its writer read. */
export interface SaveCondition {
  readonly accessToken: string | null;
  readonly refreshToken: string | null;
}

/** What a fenced save did: written; not written because the token changed since; not written because it is gone. */
export type FencedSaveResult = 'saved' | 'changed' | 'gone';

/**
 * A store that can commit a refresh safely (every store of this package): `saveTokenIf` updates the stored token
 * with `token.id` only while it still holds the access and refresh tokens its writer read, in one step with the
 * check (a compare-and-set, or inside the store's serialised write), and never inserts. A refresh that lost its lock
 * (a holder paused past its lease) can then never overwrite a newer token, and one whose token was deleted meanwhile
 * never brings it back.
 */
export interface FencedSaveProvider {
  saveTokenIf(token: OAuthToken, condition: SaveCondition): Promise<FencedSaveResult>;
}

/** True when a store offers fenced saves. */
export function supportsFencedSave<T extends object>(store: T): store is T & FencedSaveProvider {
  return typeof (store as Partial<FencedSaveProvider>).saveTokenIf === 'function';
}
