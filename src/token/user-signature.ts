import { TokenArgumentError } from '../errors/token-store-error.js';
import { ErrorCode } from '../errors/codes.js';

/** Names the CRM user a token belongs to. The official SDKs fill it with the user's email (or `email:org_id`). */
export class UserSignature {
  readonly name: string;

  constructor(name: string) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, "UserSignature needs a non-empty name string (the user's email).");
    }
    this.name = name;
  }

  toString(): string {
    return this.name;
  }
}
