import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';
import { OAuthToken } from '../token/oauth-token.js';

/** The `OAuthToken` a store method was given, or an INVALID_ARGUMENT error naming the method. */
export function asToken(token: unknown, method: string): OAuthToken {
  if (!(token instanceof OAuthToken)) {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `${method} needs an OAuthToken (use new OAuthToken({...})).`);
  }
  return token;
}
