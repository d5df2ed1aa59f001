import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { SQLiteStore } from '../../src/stores/sqlite/index.js';
import { skipUnless } from '../_services.js';
import { assertNoSecrets, officialFile, officialRow, tempDir, unique, zoho, type OfficialRowInit } from './_cli.js';
import { asRow, normalized } from './_rows.js';

async function readSqlite(path: string): Promise<OfficialRowInit[]> {
  const store = await SQLiteStore.open({ path });
  try {
    return (await store.getTokens()).map(asRow);
  } finally {
    await store.close();
  }
}

describe('zoho-tokens import of official token files (binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('reads a 9-column file of an older SDK (no api_domain), quotes and all, as plain text', async () => {
    const rows: OfficialRowInit[] = [1, 2, 3].map((n) => ({ ...officialRow(n), apiDomain: '' }));
    rows[1] = { ...(rows[1] as OfficialRowInit), user: '"quoted"@example.com', redirectUrl: 'https://a.example/cb?x="1"' };
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile(rows, 9));
    const result = await zoho(['import', 'sdk_tokens.txt', '--to', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^copied 3, updated 0, skipped 0, failed 0$/m);
    assertNoSecrets(
      result,
      rows.flatMap((row) => [row.clientSecret, row.refreshToken, row.accessToken]),
    );
    assert.deepEqual(await readSqlite(join(dir, 'zohooauth.db')), normalized(rows));
  });

  it('reads a 10-column file with CRLF line ends and 9-column legacy rows in it', async () => {
    const rows = [1, 2].map((n) => officialRow(n));
    const text = `${officialFile(rows).replace(/\n/g, '\r\n')}3,legacy@example.com,1000.C,secret-3,1000.${'c'.repeat(32)}.${'d'.repeat(32)},,,,\r\n`;
    await writeFile(join(dir, 'sdk_tokens.txt'), text);
    const result = await zoho(['import', 'file:sdk_tokens.txt', '--to', 'zohooauth.db'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const stored = await readSqlite(join(dir, 'zohooauth.db'));
    assert.deepEqual(stored.slice(0, 2), normalized(rows));
    assert.equal(stored[2]?.user, 'legacy@example.com');
    assert.equal(stored[2]?.apiDomain, '');
  });

  it('refuses a file with a value holding a comma (it cannot be split back), naming the line; nothing is written', async () => {
    const rows = [1, 2, 3].map((n) => officialRow(n));
    rows[2] = { ...(rows[2] as OfficialRowInit), redirectUrl: 'https://a.example/cb?a=1,2' };
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile(rows));
    const result = await zoho(['import', 'sdk_tokens.txt', '--to', 'zohooauth.db'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /line 4 has 11 columns where the header has 10/);
    assert.deepEqual(await readSqlite(join(dir, 'zohooauth.db')), []);
  });

  it('refuses what is not an official file or a mysql URL', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello,world\n');
    const notes = await zoho(['import', 'notes.txt', '--to', 'zohooauth.db'], { cwd: dir });
    assert.equal(notes.code, 1);
    assert.match(notes.stderr, /line 1 is not the header of an official token file/);
    const postgres = await zoho(['import', 'postgres://127.0.0.1/test', '--to', 'zohooauth.db'], { cwd: dir });
    assert.equal(postgres.code, 2);
    assert.match(postgres.stderr, /hint: to copy from any other store, use `zoho-tokens migrate/);
    const missing = await zoho(['import', 'missing.txt', '--to', 'zohooauth.db'], { cwd: dir });
    assert.equal(missing.code, 2);
  });
});

describe('zoho-tokens import of the official MySQL table (binary)', async () => {
  const skip = await skipUnless('mariadb');
  const database = `zohooauth_cli_${unique()}`;
  let dir: string;
  let cleanup: () => Promise<void>;
  const rows = Array.from({ length: 12 }, (_, i) => officialRow(i + 1));

  const connect = async (db?: string) => {
    const mysql = await import('mysql2/promise');
    return mysql.createConnection({ host: '127.0.0.1', user: 'root', ...(db ? { database: db } : {}) });
  };

  after(async () => {
    await cleanup?.();
    if (skip) return;
    const connection = await connect();
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.end();
  });

  it('reads every row of the table the official DBStore creates, and a rerun changes nothing', { skip }, async () => {
    ({ dir, cleanup } = await tempDir());
    const connection = await connect();
    try {
      await connection.query(`CREATE DATABASE \`${database}\``);
      await connection.query(`USE \`${database}\``);
      // The official DBStore's DDL, word for word in its columns and types.
      await connection.query(`CREATE TABLE oauthtoken (id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255),
        client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255),
        expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255), primary key (id))`);
      for (const row of rows) {
        await connection.query('INSERT INTO oauthtoken VALUES (?,?,?,?,?,?,?,?,?,?)', [
          row.id,
          row.user,
          row.clientId,
          row.clientSecret,
          row.refreshToken,
          row.accessToken,
          row.grantToken || null,
          row.expiryTime,
          row.redirectUrl,
          row.apiDomain,
        ]);
      }
    } finally {
      await connection.end();
    }
    const source = `mysql://root@127.0.0.1:3306/${database}?table=oauthtoken`;
    const first = await zoho(['import', source, '--to', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^copied 12, updated 0, skipped 0, failed 0$/m);
    assert.deepEqual(await readSqlite(join(dir, 'zohooauth.db')), normalized(rows));
    const second = await zoho(['import', source, '--to', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.match(second.stdout, /^copied 0, updated 0, skipped 12, failed 0$/m);
    const missingTable = await zoho(['import', `mysql://root@127.0.0.1:3306/${database}?table=nothing_here`, '--to', 'zohooauth.db'], {
      cwd: dir,
    });
    assert.equal(missingTable.code, 1);
    assert.match(missingTable.stderr, /has no table nothing_here/);
  });
});
