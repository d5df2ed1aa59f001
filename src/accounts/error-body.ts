import { ErrorCode, type ErrorCodeValue } from '../errors/codes.js';
import { AccountsError } from './accounts-error.js';

/** What the request was, for messages. */
export type AccountsOperation = 'exchange a grant code' | 'refresh an access token' | 'revoke a refresh token' | 'read the current user';

/**
 * How long a THROTTLED caller should wait when the server gives no Retry-After. Zoho blocks a refresh token for the
 * rest of a 10-minute window and does not say how much of it is left, so the advice is the whole window.
 */
export const DEFAULT_THROTTLE_RETRY_MS = 600_000;

// An OAuth error name is safe to show: a short word, never a token. Anything else is left out of messages.
const SAFE_NAME = /^[A-Za-z0-9_. -]{1,64}$/;
const safeName = (value: unknown): string | null => (typeof value === 'string' && SAFE_NAME.test(value) ? value : null);

function retryAfterOf(headers: Headers | null): number | null {
  const header = headers?.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function isThrottleBody(body: Record<string, unknown>): boolean {
  // Zoho: {"error":"Access Denied","error_description":"You have made too many requests…","status":"failure"}.
  // {"error":"access_denied"} is the grant-code limit (10 codes per client in 10 minutes).
  return body.error === 'Access Denied' || body.error === 'access_denied' || body.error === 'slow_down';
}

/**
 * The typed error for an error answer of the accounts server: Zoho's bodies (sent with HTTP 200) and the standard
 * OAuth 2.0 ones (sent with 400/401). Returns null when the body is not an error body.
 */
export function errorFromBody(
  operation: AccountsOperation,
  body: Record<string, unknown>,
  status: number,
  headers: Headers | null,
): AccountsError | null {
  if (body.error === undefined && body.status !== 'failure') return null;
  const oauthError = safeName(body.error);
  const make = (code: ErrorCodeValue, message: string, retryAfterMs: number | null = null): AccountsError =>
    new AccountsError(code, message, { oauthError, status, retryAfterMs });

  if (isThrottleBody(body)) {
    const retryAfterMs = retryAfterOf(headers) ?? DEFAULT_THROTTLE_RETRY_MS;
    const what = body.error === 'access_denied' ? 'too many grant codes for this client' : 'too many requests for this token';
    return make(
      ErrorCode.THROTTLED,
      `Zoho throttled the request to ${operation} (${what}); try again in ${Math.ceil(retryAfterMs / 1_000)} s (error.retryAfterMs).`,
      retryAfterMs,
    );
  }
  switch (body.error) {
    case 'invalid_code':
    case 'invalid_grant':
      return make(
        ErrorCode.REAUTHORIZATION_REQUIRED,
        operation === 'exchange a grant code'
          ? 'Zoho refused the grant code (expired, already used, or for another client): the user must authorize the app again to get a new code.'
          : 'Zoho refused the refresh token (revoked, deleted, or never valid): the user must authorize the app again.',
      );
    case 'invalid_client':
      return make(
        ErrorCode.INVALID_CLIENT,
        `Zoho does not know this client id at this accounts server (to ${operation}); check the client id, and use the data center the authorize redirect named ("accounts-server").`,
      );
    case 'unauthorized_client':
      return make(
        ErrorCode.INVALID_CLIENT,
        `The accounts server does not allow this client to ${operation} (unauthorized_client); check the client's grant types there.`,
      );
    case 'invalid_scope':
    case 'invalid_request':
    case 'unsupported_grant_type':
      return make(
        ErrorCode.ACCOUNTS_PROTOCOL,
        `The accounts server refused the request to ${operation} as malformed for it (${body.error}); check the environment's endpoints, client authentication and scopes.`,
      );
    case 'invalid_client_secret':
      return make(
        ErrorCode.INVALID_CLIENT_SECRET,
        `Zoho refused the client secret (to ${operation}); check the client secret of this client id.`,
      );
    default:
      return make(
        ErrorCode.ACCOUNTS_PROTOCOL,
        `The accounts server refused to ${operation} with the OAuth error "${oauthError ?? 'unreadable'}", which this library does not map; see error.oauthError.`,
      );
  }
}
