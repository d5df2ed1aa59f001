import type { AccountsAttempt } from '../accounts/accounts-client.js';
import { oauthServerOf } from '../accounts/oauth-server.js';
import { supportsFencedSave } from '../contract/fenced-save.js';
import type { TokenStore } from '../contract/token-store.js';
import { ErrorCode } from '../errors/codes.js';
import type { OAuthToken } from '../token/oauth-token.js';
import { sleep } from '../time/sleep.js';
import type { LifecycleEvents } from './lifecycle-events.js';
import type { TokenManagerConfig } from './token-manager-options.js';
import type { Renewal, TokenRenewer } from './token-renewer.js';

// Pauses between tries of a rotated refresh token's save while the store is unavailable.
const FIRST_RETRY_PAUSE_MS = 100;
const LAST_RETRY_PAUSE_MS = 2_000;

/** What saving a renewal of a stored token came to (see `RenewalSaver.commit`). */
export type CommitOutcome = 'saved' | 'changed' | 'gone';

/**
 * Where TokenManager's tokens go once renewed: saves (with their `saved` event), the fenced save of a renewal, and
 * the revocation of refresh tokens at their accounts server. A rotated refresh token exists nowhere else until it is
 * stored, so its save is tried again while the store is unavailable, and one that cannot be stored is revoked rather
 * than left alive.
 */
export class RenewalSaver {
  readonly #config: TokenManagerConfig;
  readonly #store: TokenStore;
  readonly #events: LifecycleEvents;
  readonly #renewer: TokenRenewer;
  readonly #onAttempt: (attempt: AccountsAttempt) => void;

  constructor(parts: {
    config: TokenManagerConfig;
    store: TokenStore;
    events: LifecycleEvents;
    renewer: TokenRenewer;
    onAttempt: (attempt: AccountsAttempt) => void;
  }) {
    this.#config = parts.config;
    this.#store = parts.store;
    this.#events = parts.events;
    this.#renewer = parts.renewer;
    this.#onAttempt = parts.onAttempt;
  }

  /** Saves a token and tells the `saved` listeners. */
  async save(token: OAuthToken, userName = token.userName): Promise<void> {
    await this.#store.saveToken(token);
    const tokenId = String(token.id);
    this.#config.logger.debug('token saved', { tokenId, user: userName });
    this.#events.emit('saved', { tokenId, userName });
  }

  /**
   * Saves the renewal of `current`. A stored token's is a fenced save where the store has one: it applies only while
   * the token still holds what this renewal read (`saved`); `changed` means another holder committed first, `gone`
   * that the token was deleted meanwhile.
   */
  async commit(renewal: Renewal, current: OAuthToken): Promise<CommitOutcome> {
    const store = this.#store;
    if (current.id === null || !supportsFencedSave(store)) {
      await this.#persist(renewal, () => this.save(renewal.changes, renewal.token.userName));
      renewal.token.id = renewal.changes.id;
      return 'saved';
    }
    const condition = { accessToken: current.accessToken, refreshToken: current.refreshToken };
    let outcome = await this.#persist(renewal, () => store.saveTokenIf(renewal.changes, condition));
    // A try whose answer was lost may have landed: then the store holds this renewal's own new access token, which
    // only this manager has, and the "change" is this renewal itself (it must not be discarded, nor its token revoked).
    if (outcome === 'changed' && (await this.#holds(renewal))) outcome = 'saved';
    if (outcome === 'saved') {
      renewal.token.id = renewal.changes.id;
      const tokenId = String(renewal.token.id);
      this.#config.logger.debug('token saved', { tokenId, user: renewal.token.userName });
      this.#events.emit('saved', { tokenId, userName: renewal.token.userName });
    }
    return outcome;
  }

  /** Revokes `refreshToken` at the accounts server of the token's API domain; resolves to whether the server knew it. */
  revoke(token: OAuthToken, refreshToken: string): Promise<boolean> {
    const environment = this.#renewer.environmentFor(token.apiDomain);
    const client = {
      clientId: token.clientId ?? this.#config.client?.clientId ?? '',
      clientSecret: token.clientSecret ?? this.#config.client?.clientSecret ?? '',
      server: oauthServerOf(environment),
    };
    return this.#config.accounts.revoke({ accountsUrl: environment.accountsUrl, refreshToken, client }, { onAttempt: this.#onAttempt });
  }

  /** Revokes the refresh token of a renewal that could not be saved (this manager holds it alone); a failure is only logged. */
  async revokeUnsaved(token: OAuthToken, tokenId: string): Promise<void> {
    try {
      await this.revoke(token, String(token.refreshToken));
      this.#config.logger.info('revoked the refresh token of a renewal that could not be saved', { tokenId });
    } catch (error) {
      this.#config.logger.warn('could not revoke the refresh token of a renewal that could not be saved', {
        tokenId,
        code: (error as { code?: string } | null)?.code ?? 'unknown',
      });
    }
  }

  /** Whether the stored token holds what this renewal got (its access token, and its refresh token if it got one). */
  async #holds(renewal: Renewal): Promise<boolean> {
    const id = renewal.changes.id;
    if (id === null) return false;
    const stored = await this.#store.findTokenById(id);
    if (stored === null || stored.accessToken !== renewal.changes.accessToken) return false;
    return renewal.changes.refreshToken === null || stored.refreshToken === renewal.changes.refreshToken;
  }

  /**
   * Runs a save. A rotated refresh token exists only here until it is stored (the server has retired the old one), so
   * while the store cannot answer (STORE_UNAVAILABLE: a restart, a failover, a lost connection) its save is tried
   * again, with pauses growing from 100 ms to 2 s, for up to the refresh lock's lease; any other error, or the end
   * of that time, is thrown. A renewal that did not rotate keeps its old refresh token working and is not retried.
   */
  async #persist<T>(renewal: Renewal, save: () => Promise<T>): Promise<T> {
    if (!renewal.rotated) return save();
    // Real time, as the pauses are: the manager's clock may be a test's, standing still.
    const giveUpAt = performance.now() + this.#config.lockLeaseMs;
    for (let pause = FIRST_RETRY_PAUSE_MS; ; pause = Math.min(pause * 2, LAST_RETRY_PAUSE_MS)) {
      try {
        return await save();
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== ErrorCode.STORE_UNAVAILABLE || performance.now() + pause > giveUpAt) throw error;
        this.#config.logger.warn('saving a rotated refresh token failed: the store is unavailable; trying again', {
          tokenId: renewal.changes.id,
          pauseMs: pause,
        });
        await sleep(pause);
      }
    }
  }
}
