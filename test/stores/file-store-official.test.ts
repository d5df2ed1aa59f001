// Interoperability with the real official SDK (@zohocrm/typescript-sdk-8.0): files it writes are read by FileStore,
// files FileStore writes are read by it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { completeToken, HOSTILE_VALUES } from 'zoho-token-store/testing';
import { tempDir } from './_file-temp.js';
import { tokenHolding } from './_value-tokens.js';
import { fieldsOfOfficial, fieldsOfOurs, officialFileStore, officialToken } from './_official-sdk.js';

const dir = tempDir('official');
after(() => dir.remove());
let files = 0;
const newFile = (): string => dir.file(`tokens-${(files += 1)}.txt`);

// A mix of complete and sparse tokens, as the official SDK keeps them (absent fields are empty columns).
const sampleTokens = (): OAuthToken[] => [
  completeToken(),
  completeToken({ grantToken: null, redirectUrl: null }),
  new OAuthToken({
    userSignature: 'sparse@example.com',
    clientId: '1000.SPARSE',
    clientSecret: 's3cr3t',
    refreshToken: '1000.refresh.only',
  }),
  new OAuthToken({ accessToken: '1000.access.only', expiresAt: 1_732_312_345_678 }),
];

describe('files written by the official SDK', () => {
  test('a 10-column sdk_tokens.txt written by the official FileStore is read whole, every token found by every key', async () => {
    const path = newFile();
    const official = officialFileStore(path);
    const tokens = sampleTokens();
    for (const token of tokens) await official.saveToken(officialToken(token));
    assert.match(
      readFileSync(path, 'utf8'),
      /^id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain\n1,/,
    );

    const store = new FileStore({ path });
    const listed = await store.getTokens();
    assert.deepEqual(
      listed.map((token) => token.id),
      ['1', '2', '3', '4'],
    );
    assert.deepEqual(listed.map(fieldsOfOurs), tokens.map(fieldsOfOurs));
    for (const [i, token] of tokens.entries()) {
      if (token.userName) assert.equal((await store.findToken(new OAuthToken({ userSignature: token.userName })))?.id, String(i + 1));
      if (token.accessToken) assert.equal((await store.findToken(new OAuthToken({ accessToken: token.accessToken })))?.id, String(i + 1));
    }
    await store.close();
  });

  test('a 9-column legacy file (no api_domain) is read, and read the same as the official SDK reads it', async () => {
    const path = newFile();
    const legacy = [
      'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url',
      '1,ada@example.com,1000.ABC,secret-1,1000.r.1,1000.a.1,,1732312345678,https://app.example.com/cb',
      '2,bob@example.com,1000.ABC,secret-1,1000.r.2,,1000.g.2,,',
    ].join('\n');
    writeFileSync(path, legacy);
    const store = new FileStore({ path });
    const ours = await store.getTokens();
    assert.equal(ours.length, 2);
    assert.deepEqual(fieldsOfOurs(ours[0] as OAuthToken), {
      userName: 'ada@example.com',
      clientId: '1000.ABC',
      clientSecret: 'secret-1',
      refreshToken: '1000.r.1',
      accessToken: '1000.a.1',
      grantToken: null,
      expiresAt: 1_732_312_345_678,
      redirectUrl: 'https://app.example.com/cb',
      apiDomain: null,
    });
    await store.close();

    // The official constructor widens the file to ten columns; both readers must then agree on every token.
    const official = officialFileStore(path);
    const theirs = await official.getTokens();
    assert.deepEqual(theirs.map(fieldsOfOfficial), ours.map(fieldsOfOurs));
    const reopened = new FileStore({ path });
    assert.deepEqual((await reopened.getTokens()).map(fieldsOfOurs), ours.map(fieldsOfOurs));
    await reopened.close();
  });

  test('a legacy file is widened to ten columns by the first write, keeping its rows', async () => {
    const path = newFile();
    writeFileSync(
      path,
      'id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url\n7,ada@example.com,c,s,r,a,,,',
    );
    const store = new FileStore({ path });
    await store.saveToken(new OAuthToken({ userSignature: 'bob@example.com', accessToken: 'a2', apiDomain: 'https://www.zohoapis.eu' }));
    await store.close();
    assert.equal(
      readFileSync(path, 'utf8'),
      'id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain\n' +
        '7,ada@example.com,c,s,r,a,,,,\n8,bob@example.com,,,,a2,,,,https://www.zohoapis.eu',
    );
  });
});

describe('files written by FileStore', () => {
  test('are byte for byte what the official FileStore writes for the same tokens', async () => {
    const theirsPath = newFile();
    const oursPath = newFile();
    const official = officialFileStore(theirsPath);
    const store = new FileStore({ path: oursPath });
    for (const token of sampleTokens()) {
      await official.saveToken(officialToken(token));
      await store.saveToken(token.clone());
    }
    await store.close();
    assert.equal(readFileSync(oursPath, 'utf8'), readFileSync(theirsPath, 'utf8'));
  });

  test('are read by the official FileStore: getTokens, findToken by user, findTokenById', async () => {
    const path = newFile();
    const store = new FileStore({ path });
    const tokens = sampleTokens();
    for (const token of tokens) await store.saveToken(token);
    await store.close();

    const official = officialFileStore(path);
    const theirs = await official.getTokens();
    assert.deepEqual(theirs.map(fieldsOfOfficial), tokens.map(fieldsOfOurs));
    const first = tokens[0] as OAuthToken;
    const found = await official.findToken(officialToken({ userName: first.userName }));
    assert.equal(found?.getId(), first.id);
    assert.deepEqual(fieldsOfOfficial(found!), fieldsOfOurs(first));
    const byId = await official.findTokenById(String(tokens[3]?.id));
    assert.equal(byId.getAccessToken(), '1000.access.only');
  });

  test('saves by the official FileStore into our file and by FileStore into theirs interleave without loss', async () => {
    const path = newFile();
    const store = new FileStore({ path });
    const official = officialFileStore(path);
    const ours = completeToken();
    await store.saveToken(ours);
    const theirs = completeToken();
    await official.saveToken(officialToken(theirs));
    // FileStore sees the official write at once (the file changed), then updates its own row.
    assert.equal((await store.findToken(new OAuthToken({ userSignature: theirs.userName })))?.id, '2');
    await store.saveToken(new OAuthToken({ userSignature: ours.userName, accessToken: '1000.new.access' }));
    const listed = await official.getTokens();
    assert.deepEqual(
      listed.map((token) => token.getAccessToken()),
      ['1000.new.access', theirs.accessToken],
    );
    await store.close();
  });
});

describe('values with commas, quotes, line breaks and unicode', () => {
  const plain = (value: string): boolean => !/[,\r\n]/.test(value) && !value.startsWith('"');

  test('round-trip verbatim through FileStore in every field, across reopening', async () => {
    const path = newFile();
    const store = new FileStore({ path });
    const saved: OAuthToken[] = [];
    for (const [i, value] of HOSTILE_VALUES.entries()) {
      const token = tokenHolding(value, i);
      await store.saveToken(token);
      saved.push(token);
    }
    await store.close();
    const reopened = new FileStore({ path });
    assert.deepEqual((await reopened.getTokens()).map(fieldsOfOurs), saved.map(fieldsOfOurs));
    for (const token of saved) {
      assert.equal((await reopened.findToken(new OAuthToken({ userSignature: token.userName })))?.id, token.id);
      assert.equal((await reopened.findToken(new OAuthToken({ accessToken: token.accessToken })))?.id, token.id);
    }
    await reopened.close();
    // Values without CSV metacharacters are written bare, exactly as the official SDK writes them.
    const text = readFileSync(path, 'utf8');
    assert.ok(text.includes(',émoji 🔑 ünïcödé 日本語#cid,'), 'a unicode value is written bare');
    assert.ok(text.includes(',"a,b,c#cid",'), 'a value with commas is quoted');
    assert.ok(text.includes(',say "hello"#cid,'), 'a quote inside a value is written bare, as the official SDK writes it');
    assert.ok(text.includes(',"""; DROP TABLE oauthtoken; --#cid",'), 'a leading quote is quoted, inner quotes doubled');
  });

  test('the official reader agrees on every value its format can hold (no comma, line break or leading quote)', async () => {
    const path = newFile();
    const store = new FileStore({ path });
    const values = HOSTILE_VALUES.filter(plain);
    assert.ok(values.length >= 15);
    const saved: OAuthToken[] = [];
    for (const [i, value] of values.entries()) {
      const token = new OAuthToken({
        userSignature: `${value}#${i}`,
        clientId: value,
        clientSecret: value,
        accessToken: `${value}#a${i}`,
        apiDomain: value,
      });
      await store.saveToken(token);
      saved.push(token);
    }
    await store.close();
    const theirs = await officialFileStore(path).getTokens();
    assert.deepEqual(theirs.map(fieldsOfOfficial), saved.map(fieldsOfOurs));
  });

  test('unicode values the official SDK writes are read back by FileStore unchanged', async () => {
    const path = newFile();
    const official = officialFileStore(path);
    const value = 'émoji 🔑 ünïcödé 日本語 say "hi"';
    await official.saveToken(officialToken({ userName: value, clientId: 'c', clientSecret: 's', refreshToken: value }));
    const store = new FileStore({ path });
    const [token] = await store.getTokens();
    assert.equal(token?.userName, value);
    assert.equal(token?.refreshToken, value);
    await store.close();
  });
});
