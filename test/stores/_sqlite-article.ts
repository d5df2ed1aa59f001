// Databases as the Kaizen #192 sample makes them: its exact CREATE TABLE and INSERT statements, run here with
// better-sqlite3 (the sample runs them from Python's sqlite3, which stores the same text values).
import Database from 'better-sqlite3';

/** The sample's CREATE TABLE, character for character (two spaces after TABLE, no space after NOT NULL,). */
export const ARTICLE_CREATE_TABLE =
  'CREATE TABLE  oauthtoken (id varchar(10) NOT NULL,user_name varchar(255), client_id ' +
  'varchar(255), client_secret varchar(255), refresh_token varchar(255), access_token ' +
  'varchar(255), grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(' +
  '255), api_domain varchar(255), primary key (id))';

/** The sample's INSERT, character for character. */
export const ARTICLE_INSERT =
  'insert into oauthtoken (id,user_name,client_id,client_secret,refresh_token,access_token,' +
  'grant_token,expiry_time,redirect_url,api_domain) values (?,?,?,?,?,?,?,?,?,?);';

/** A row as the sample writes one: every value a string (ids and expiry included) or null. */
export type ArticleRow = [
  id: string,
  userName: string | null,
  clientId: string | null,
  clientSecret: string | null,
  refreshToken: string | null,
  accessToken: string | null,
  grantToken: string | null,
  expiryTime: string | null,
  redirectUrl: string | null,
  apiDomain: string | null,
];

/** Creates `path` with the sample's table and the given rows, and closes it. */
export function createArticleDatabase(path: string, rows: readonly ArticleRow[] = []): void {
  const db = new Database(path);
  try {
    db.exec(ARTICLE_CREATE_TABLE);
    const insert = db.prepare(ARTICLE_INSERT);
    for (const row of rows) insert.run(...row);
  } finally {
    db.close();
  }
}
