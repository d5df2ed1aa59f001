// The official TypeScript SDK's DBStore (and its token class), driven directly from the package in node_modules:
// the real code the SDK runs around every API call, not a re-implementation.
import { DBBuilder } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/store/db_builder.js';
import type { DBStore } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/store/db_store.js';
import { OAuthToken as OfficialToken } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/oauth_token.js';
import { UserSignature as OfficialUser } from '@zohocrm/typescript-sdk-8.0/dist/routes/user_signature.js';
import { MARIADB } from './_mysql-databases.js';

export { OfficialToken };

/** The official DBStore on a database of the shared MariaDB (its defaults otherwise: table oauthtoken). */
export function officialDbStore(database: string, table = 'oauthtoken'): DBStore {
  return new DBBuilder()
    .host(MARIADB.host)
    .portNumber(MARIADB.port)
    .userName(MARIADB.user)
    .password(MARIADB.password)
    .databaseName(database)
    .tableName(table)
    .build();
}

export interface OfficialTokenInit {
  user?: string;
  clientId?: string;
  clientSecret?: string;
  grantToken?: string;
  refreshToken?: string;
  accessToken?: string;
  expiresAt?: number;
  redirectUrl?: string;
  apiDomain?: string;
  id?: string;
}

/** A token of the official SDK, built the way its OAuthBuilder builds one. */
export function officialToken(init: OfficialTokenInit): OfficialToken {
  const token = new OfficialToken(
    init.clientId ?? null,
    init.clientSecret ?? null,
    init.grantToken ?? null,
    init.refreshToken ?? null,
    init.redirectUrl ?? null,
    init.id ?? null,
    init.accessToken ?? null,
    init.user === undefined ? null : new OfficialUser(init.user),
  );
  if (init.expiresAt !== undefined) token.setExpiresIn(String(init.expiresAt));
  if (init.apiDomain !== undefined) token.setAPIDomain(init.apiDomain);
  return token;
}
