import { AccountsError } from '../accounts/accounts-error.js';
import { environmentForApiDomain, allZohoEnvironments, type Environment } from '../accounts/data-centers.js';
import { knownAccountsEnvironment } from '../accounts/known-accounts-server.js';
import { oauthServerOf } from '../accounts/oauth-server.js';
import type { TokenGrant } from '../accounts/token-response.js';
import type { AccountsAttempt } from '../accounts/accounts-client.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { OAuthToken } from '../token/oauth-token.js';
import { UserSignature } from '../token/user-signature.js';
import type { TokenManagerConfig } from './token-manager-options.js';

/** A new access token, as a whole token and as the partial save that records it. */
export interface Renewal {
  /** The token with the new values (what callers are served). */
  readonly token: OAuthToken;
  /** Only what changed, with the token's id when it has one: saving it never overwrites fields changed elsewhere. */
  readonly changes: OAuthToken;
  readonly grantType: 'refresh_token' | 'authorization_code';
  /** The server sent a new refresh token (standard OAuth 2.0 rotation; Zoho never does). */
  readonly rotated: boolean;
}

export interface GrantCode {
  readonly code: string;
  /**
   * The accounts server the authorize redirect named (`accounts-server`); default: the manager's environment. It
   * must be a Zoho data center's or one of the manager's environments (UNTRUSTED_ACCOUNTS_SERVER otherwise).
   */
  readonly accountsServer?: string | null;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly redirectUri?: string | null;
  readonly codeVerifier?: string | null;
  /** The user name to store the token under; default: the CRM user's email, as the official SDK does. */
  readonly userName?: string;
}

/**
 * Turns a token that needs a new access token into one that has it: picks the accounts server of the token's data
 * center, the grant type (refresh token first, else the grant code), and names a new user by their CRM email.
 * It talks to the accounts server only; the manager decides when to call it and saves the result.
 */
export class TokenRenewer {
  readonly #config: TokenManagerConfig;
  readonly #candidates: readonly Environment[];
  readonly #byApiDomain = new Map<string, Environment>();

  constructor(config: TokenManagerConfig) {
    this.#config = config;
    this.#candidates = [...config.environments, ...allZohoEnvironments()];
  }

  /** The environment whose API domain the token's `api_domain` names (Zoho's DC switch), else the manager's. */
  environmentFor(apiDomain: string | null): Environment {
    if (apiDomain === null) return this.#config.environment;
    let environment = this.#byApiDomain.get(apiDomain);
    if (!environment) {
      environment = environmentForApiDomain(apiDomain, this.#candidates) ?? this.#config.environment;
      this.#byApiDomain.set(apiDomain, environment);
    }
    return environment;
  }

  /**
   * A refresh goes out once to a server that rotates refresh tokens (never blindly again: see
   * `RequestOptions.replayable`), and within `budgetFor`'s budget to one that does not (Zoho's limit).
   */
  async renew(
    current: OAuthToken,
    budgetFor?: (refreshToken: string) => { take(): number | null },
    onAttempt?: (attempt: AccountsAttempt) => void,
  ): Promise<Renewal> {
    if (!current.refreshToken && !current.grantToken) {
      throw new TokenStoreError(
        ErrorCode.REAUTHORIZATION_REQUIRED,
        `Token ${current.id ?? '(unsaved)'} has an expired or refused access token and no refresh or grant token to renew it: the user must authorize the app again.`,
      );
    }
    const { clientId, clientSecret } = this.#credentialsOf(current);
    const environment = this.environmentFor(current.apiDomain);
    const accounts = this.#config.accounts;
    if (current.refreshToken) {
      const server = oauthServerOf(environment);
      const options = server.rotatesRefreshTokens
        ? { replayable: false, onAttempt }
        : { budget: budgetFor?.(current.refreshToken), onAttempt };
      const grant = await accounts.refresh(
        { accountsUrl: environment.accountsUrl, clientId, clientSecret, server, refreshToken: current.refreshToken },
        options,
      );
      return this.#apply(current, grant, 'refresh_token', environment);
    }
    const grant = await accounts.exchangeGrant(
      {
        accountsUrl: environment.accountsUrl,
        clientId,
        clientSecret,
        server: oauthServerOf(environment),
        code: String(current.grantToken),
        redirectUri: current.redirectUrl ?? this.#config.client?.redirectUri ?? null,
      },
      { onAttempt },
    );
    const renewal = this.#apply(current, grant, 'authorization_code', environment);
    if (!renewal.token.userName) await this.#nameUser(renewal, null, onAttempt);
    return renewal;
  }

  /** Exchanges a grant code from the authorize redirect into a complete token for the user. */
  async exchange(grantCode: GrantCode, onAttempt?: (attempt: AccountsAttempt) => void): Promise<Renewal> {
    const base = new OAuthToken({
      clientId: grantCode.clientId ?? this.#config.client?.clientId ?? null,
      clientSecret: grantCode.clientSecret ?? this.#config.client?.clientSecret ?? null,
      redirectUrl: grantCode.redirectUri ?? this.#config.client?.redirectUri ?? null,
      userSignature: grantCode.userName ?? null,
    });
    // Checked before anything else is sent: the redirect's accounts-server comes through the browser, forgeable.
    const named = knownAccountsEnvironment(grantCode.accountsServer ?? this.#config.environment.accountsUrl, this.#candidates);
    const { clientId, clientSecret } = this.#credentialsOf(base);
    const grant = await this.#config.accounts.exchangeGrant(
      {
        accountsUrl: named.accountsUrl,
        clientId,
        clientSecret,
        server: oauthServerOf(named),
        code: grantCode.code,
        redirectUri: base.redirectUrl,
        codeVerifier: grantCode.codeVerifier ?? null,
      },
      { onAttempt },
    );
    const environment = this.environmentFor(grant.apiDomain);
    const renewal = this.#apply(base, grant, 'authorization_code', environment);
    if (!renewal.token.userName) await this.#nameUser(renewal, 'required', onAttempt);
    return renewal;
  }

  #credentialsOf(token: OAuthToken): { clientId: string; clientSecret: string } {
    const clientId = token.clientId ?? this.#config.client?.clientId;
    const clientSecret = token.clientSecret ?? this.#config.client?.clientSecret;
    if (!clientId || !clientSecret) {
      throw new TokenStoreError(
        ErrorCode.INVALID_CONFIG,
        `Token ${token.id ?? '(unsaved)'} has no client id or client secret; save them with the token or pass "client" to the TokenManager.`,
      );
    }
    return { clientId, clientSecret };
  }

  #apply(current: OAuthToken, grant: TokenGrant, grantType: Renewal['grantType'], environment: Environment): Renewal {
    const apiDomain = grant.apiDomain ?? current.apiDomain ?? environment.apiDomain;
    const rotated = grant.refreshToken !== null && grant.refreshToken !== current.refreshToken && grantType === 'refresh_token';
    const token = current.clone();
    token.accessToken = grant.accessToken;
    token.expiresAt = grant.expiresAt;
    token.apiDomain = apiDomain;
    if (grant.refreshToken !== null) token.refreshToken = grant.refreshToken;
    if (token.clientId === null) token.clientId = this.#config.client?.clientId ?? null;
    if (token.clientSecret === null) token.clientSecret = this.#config.client?.clientSecret ?? null;
    const changes = new OAuthToken({
      id: current.id,
      accessToken: grant.accessToken,
      expiresAt: grant.expiresAt,
      apiDomain,
      refreshToken: grant.refreshToken,
    });
    // An unsaved token is inserted whole; a stored one gets only the new values.
    return { token, changes: current.id === null ? token : changes, grantType, rotated };
  }

  /** Names the token by its CRM user's email, as the official SDK does. */
  async #nameUser(renewal: Renewal, required: 'required' | null, onAttempt?: (attempt: AccountsAttempt) => void): Promise<void> {
    try {
      const request = { apiDomain: String(renewal.token.apiDomain), accessToken: String(renewal.token.accessToken) };
      const user = await this.#config.accounts.currentUser(request, { onAttempt });
      const signature = new UserSignature(user.email);
      renewal.token.userSignature = signature;
      renewal.changes.userSignature = signature;
    } catch (error) {
      if (required) throw error;
      this.#config.logger.warn('could not read the CRM user of a new token; saved without a user name', {
        code: error instanceof AccountsError ? error.code : 'unknown',
      });
    }
  }
}
