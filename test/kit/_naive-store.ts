import { OAuthToken, TokenStoreError, ErrorCode, type TokenStore } from 'zoho-token-store';
import { compareIds } from 'zoho-token-store/kernel';

/** Ways a hand-written store can get the contract wrong; each should be caught by the kit. */
export interface Defects {
  refreshBeforeGrant?: boolean;
  refreshWithoutClientCredentials?: boolean;
  alwaysInsert?: boolean;
  sharesReferences?: boolean;
  throwsOnUnknownId?: boolean;
  throwsOnUnknownDelete?: boolean;
  saveOverwritesWithNull?: boolean;
  acceptsIncomplete?: boolean;
  unordered?: boolean;
  emptyStringsKept?: boolean;
  trimsValues?: boolean;
  racyIds?: boolean;
  caseInsensitive?: boolean;
  skipsValidation?: boolean;
}

const FIELDS = ['clientId', 'clientSecret', 'refreshToken', 'accessToken', 'grantToken', 'expiresAt', 'redirectUrl', 'apiDomain'] as const;

/**
 * A store written by hand against the six methods, with a switch for each classic mistake. With no switch on it
 * keeps the contract, which the kit's own tests check first, so every failure below is the defect's doing.
 */
export class NaiveStore implements TokenStore {
  readonly #rows: OAuthToken[] = [];
  #nextId = 1;

  constructor(private readonly defects: Defects = {}) {}

  #match(token: OAuthToken): ((row: OAuthToken) => boolean) | null {
    const d = this.defects;
    // The caseInsensitive variant compares the way a MySQL column with a _ci collation does.
    const same = (a: string | null, b: string | null) =>
      d.caseInsensitive ? a?.toLowerCase().trim() === b?.toLowerCase().trim() : a === b;
    if (token.userName) return (row) => same(row.userName, token.userName);
    if (token.accessToken && !token.clientId && !token.clientSecret) return (row) => same(row.accessToken, token.accessToken);
    const credentials = (token.clientId && token.clientSecret) || d.refreshWithoutClientCredentials;
    if (!credentials) return null;
    if (d.refreshBeforeGrant && token.refreshToken) return (row) => row.refreshToken === token.refreshToken;
    if (token.grantToken) return (row) => row.grantToken === token.grantToken;
    if (token.refreshToken) return (row) => row.refreshToken === token.refreshToken;
    return null;
  }

  #copy(token: OAuthToken): OAuthToken {
    if (this.defects.sharesReferences) return token;
    const copy = token.clone();
    if (this.defects.emptyStringsKept) {
      for (const field of FIELDS)
        if (copy[field] === null && field !== 'expiresAt') (copy as unknown as Record<string, unknown>)[field] = '';
    }
    if (this.defects.trimsValues) {
      for (const field of FIELDS) {
        const value = copy[field];
        if (typeof value === 'string') (copy as unknown as Record<string, unknown>)[field] = value.trim();
      }
    }
    return copy;
  }

  async findToken(token: OAuthToken): Promise<OAuthToken | null> {
    const match = this.#match(token);
    const row = match ? this.#rows.find(match) : undefined;
    if (!row) return null;
    const found = this.#copy(row);
    if (token.userSignature) found.userSignature = token.userSignature;
    for (const field of FIELDS) if (token[field] !== null) (found as unknown as Record<string, unknown>)[field] = token[field];
    return found;
  }

  async saveToken(given: OAuthToken): Promise<void> {
    // OAuthToken.from validates and normalises fields set by hand ('' to null; NUL, lone surrogates, too long refused).
    const token = this.defects.skipsValidation ? given : OAuthToken.from(given);
    if (!this.defects.acceptsIncomplete && !token.accessToken && !token.refreshToken && !token.grantToken) {
      throw new TokenStoreError(ErrorCode.TOKEN_INCOMPLETE, 'needs an access, refresh or grant token');
    }
    const byId = token.id ? this.#rows.find((row) => row.id === token.id) : undefined;
    const match = this.#match(token);
    const existing = this.defects.alwaysInsert ? undefined : (byId ?? (match ? this.#rows.find(match) : undefined));
    if (existing) {
      if (token.userName && token.userName !== existing.userName && this.#rows.some((row) => row.userName === token.userName)) {
        throw new TokenStoreError(ErrorCode.TOKEN_CONFLICT, 'user name taken');
      }
      if (token.userSignature) existing.userSignature = token.userSignature;
      for (const field of FIELDS) {
        if (token[field] !== null || this.defects.saveOverwritesWithNull)
          (existing as unknown as Record<string, unknown>)[field] = token[field];
      }
      given.id = existing.id;
      return;
    }
    // The racy variant reads the next id, then yields before writing, as a store with async I/O would.
    const id = token.id ?? String(this.defects.racyIds ? this.#rows.length + 1 : this.#nextId++);
    if (this.defects.racyIds) await new Promise((resolve) => setImmediate(resolve));
    const row = this.defects.sharesReferences ? given : token.clone();
    row.id = id;
    given.id = id;
    this.#rows.push(row);
  }

  async deleteToken(id: string): Promise<void> {
    const at = this.#rows.findIndex((row) => row.id === id);
    if (at < 0 && this.defects.throwsOnUnknownDelete) throw new Error('no such token');
    if (at >= 0) this.#rows.splice(at, 1);
  }

  async getTokens(): Promise<OAuthToken[]> {
    const rows = this.#rows.map((row) => this.#copy(row));
    return this.defects.unordered ? rows.reverse() : rows.sort((a, b) => compareIds(String(a.id), String(b.id)));
  }

  async deleteTokens(): Promise<void> {
    this.#rows.length = 0;
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    const row = this.#rows.find((candidate) => candidate.id === id);
    if (!row && this.defects.throwsOnUnknownId) throw new Error('no token with that id');
    return row ? this.#copy(row) : null;
  }
}
