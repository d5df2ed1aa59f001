import { AccountsError } from '../accounts/accounts-error.js';
import { ErrorCode } from '../errors/codes.js';
import type { OAuthToken } from '../token/oauth-token.js';

interface Block {
  throttledUntil: number;
  /** A refresh token Zoho refused (`invalid_code`): not sent again until another one is stored. */
  refusedRefreshToken: string | null;
}

/**
 * What Zoho said about a token that makes asking again in vain: a throttle (until its advised wait ends) and a
 * refused refresh token (until the store holds another one). A renewal checks here first and fails fast, so a
 * broken token costs no request per API call and a throttled one does not extend Zoho's block.
 */
export class RenewalBlocks {
  readonly #blocks = new Map<string, Block>();

  /** Throws the error Zoho would answer, without asking it, while a block holds for this token. */
  check(tokenId: string, current: OAuthToken, now: number): void {
    const block = this.#blocks.get(tokenId);
    if (!block) return;
    const remaining = block.throttledUntil - now;
    if (remaining > 0) {
      throw new AccountsError(
        ErrorCode.THROTTLED,
        `Zoho throttled token ${tokenId}; no request is sent until the advised wait ends (error.retryAfterMs).`,
        {
          retryAfterMs: remaining,
        },
      );
    }
    if (block.refusedRefreshToken !== null && block.refusedRefreshToken === current.refreshToken) {
      throw new AccountsError(
        ErrorCode.REAUTHORIZATION_REQUIRED,
        `Zoho refused the refresh token of token ${tokenId} earlier: the user must authorize the app again (exchangeGrant stores the new tokens).`,
        { oauthError: 'invalid_code' },
      );
    }
  }

  /** Records what an answer of the accounts server says about the token (errors thrown here, without a status, are ignored). */
  note(current: OAuthToken, error: unknown, now: number): void {
    if (current.id === null || !(error instanceof AccountsError) || error.status === null) return;
    const block = this.#blocks.get(current.id) ?? { throttledUntil: 0, refusedRefreshToken: null };
    if (error.code === ErrorCode.THROTTLED) block.throttledUntil = now + (error.retryAfterMs ?? 0);
    if (error.code === ErrorCode.REAUTHORIZATION_REQUIRED && current.refreshToken) block.refusedRefreshToken = current.refreshToken;
    this.#blocks.set(current.id, block);
  }

  clear(tokenId: string): void {
    this.#blocks.delete(tokenId);
  }

  clearAll(): void {
    this.#blocks.clear();
  }
}
