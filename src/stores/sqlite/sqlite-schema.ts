import { OFFICIAL_COLUMNS } from '../../token/official-columns.js';

/** The article's and the official DBStore's table name. */
export const TOKEN_TABLE = 'oauthtoken';

/** The refresh locks: one row per token id being refreshed, with its holder and the end of its lease. */
export const LOCK_TABLE = 'oauthtoken_refresh_lock';

/**
 * This store's schema version per table. A table of its own rather than `PRAGMA user_version`, which belongs to
 * whoever owns the database file: an application that passes its own database keeps its `user_version`.
 */
export const SCHEMA_TABLE = 'zoho_token_store_schema';

/** The article's `CREATE TABLE`, column for column, so files made by its sample and by this store are the same. */
export const CREATE_TOKEN_TABLE =
  `CREATE TABLE ${TOKEN_TABLE} (id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255), ` +
  'client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), ' +
  'expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255), primary key (id))';

/** The ten official columns as a select list, in the official order. */
export const COLUMN_LIST = OFFICIAL_COLUMNS.join(', ');
