import { fieldsOf } from 'zoho-token-store/testing';
// Drives the official @zohocrm/typescript-sdk-8.0 FileStore (a devDependency) for interoperability tests and the
// bench. Its package has no exports map, so its store, token and user classes are required from their files.
import { createRequire } from 'node:module';
import type { OAuthToken } from 'zoho-token-store';
import type { OfficialOAuthToken, OfficialUserSignature } from 'zoho-token-store/official';

const require = createRequire(import.meta.url);
const SDK = '@zohocrm/typescript-sdk-8.0/dist';

/** The official OAuthToken, as the bridge describes it. */
export type OfficialToken = OfficialOAuthToken;

export interface OfficialFileStore {
  findToken(token: OfficialToken): Promise<OfficialToken | null>;
  findTokenById(id: string): Promise<OfficialToken>;
  saveToken(token: OfficialToken): Promise<void>;
  getTokens(): Promise<OfficialToken[]>;
  deleteTokens(): Promise<void>;
}

interface OfficialModules {
  FileStore: new (path: string) => OfficialFileStore;
  OAuthToken: new () => OfficialToken;
  UserSignature: new (name: string) => OfficialUserSignature;
}

let modules: OfficialModules | null = null;

function load(): OfficialModules {
  modules ??= {
    FileStore: (require(`${SDK}/models/authenticator/store/file_store.js`) as { FileStore: OfficialModules['FileStore'] }).FileStore,
    OAuthToken: (require(`${SDK}/models/authenticator/oauth_token.js`) as { OAuthToken: OfficialModules['OAuthToken'] }).OAuthToken,
    UserSignature: (require(`${SDK}/routes/user_signature.js`) as { UserSignature: OfficialModules['UserSignature'] }).UserSignature,
  };
  return modules;
}

/** The official FileStore on `path` (its constructor creates the file, or widens a 9-column one). */
export const officialFileStore = (path: string): OfficialFileStore => new (load().FileStore)(path);

/** An official token with the fields of one of ours (the official constructor with no arguments, as its store uses). */
export function officialToken(
  token: Partial<
    Pick<
      OAuthToken,
      | 'id'
      | 'userName'
      | 'clientId'
      | 'clientSecret'
      | 'refreshToken'
      | 'accessToken'
      | 'grantToken'
      | 'expiresAt'
      | 'redirectUrl'
      | 'apiDomain'
    >
  >,
): OfficialToken {
  const { OAuthToken: Token, UserSignature } = load();
  const official = Reflect.construct(Token, []) as OfficialToken;
  if (token.id) official.setId(token.id);
  if (token.userName) official.setUserSignature(new UserSignature(token.userName));
  official.setClientId(token.clientId ?? null);
  official.setClientSecret(token.clientSecret ?? null);
  official.setRefreshToken(token.refreshToken ?? null);
  official.setAccessToken(token.accessToken ?? null);
  official.setGrantToken(token.grantToken ?? null);
  official.setExpiresIn(token.expiresAt === null || token.expiresAt === undefined ? null : String(token.expiresAt));
  official.setRedirectURL(token.redirectUrl ?? null);
  official.setAPIDomain(token.apiDomain ?? null);
  return official;
}

const orNull = (value: string | null | undefined): string | null => (value === undefined || value === '' ? null : value);

/** An official token's fields under our names, empty as null (the official reader turns absent client ids into ''). */
export function fieldsOfOfficial(token: OfficialToken): Record<string, string | number | null> {
  const expiry = orNull(token.getExpiresIn());
  return {
    userName: orNull(token.getUserSignature()?.getName()),
    clientId: orNull(token.getClientId()),
    clientSecret: orNull(token.getClientSecret()),
    refreshToken: orNull(token.getRefreshToken()),
    accessToken: orNull(token.getAccessToken()),
    grantToken: orNull(token.getGrantToken()),
    expiresAt: expiry === null ? null : Number(expiry),
    redirectUrl: orNull(token.getRedirectURL()),
    apiDomain: orNull(token.getAPIDomain()),
  };
}

/** One of our tokens' fields, under the same names as `fieldsOfOfficial`. */
export const fieldsOfOurs = fieldsOf;
