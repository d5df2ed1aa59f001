// The real official FileStore (@zohocrm/typescript-sdk-8.0) and ours on one file, with values that hold quotes,
// apostrophes, SQL, spreadsheet formulas, spaces and unicode: each reads exactly what the other wrote, a save by ours
// leaves the official rows' bytes as they were, and what the official format cannot hold is quoted by ours only.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { tempDir } from './_file-temp.js';
import { tokenHolding } from './_value-tokens.js';
import { fieldsOfOfficial, fieldsOfOurs, officialFileStore, officialToken } from './_official-sdk.js';

const dir = tempDir('shared');
after(() => dir.remove());
let files = 0;
const newFile = (): string => dir.file(`tokens-${(files += 1)}.txt`);

/** Values the official format holds (no comma, no line break, no leading quote): ours writes them as the official writer does. */
const HELD = [
  'say "hi"',
  "O'Brien",
  "'; DROP TABLE oauthtoken; --",
  '=HYPERLINK("http://x")',
  '+1+1',
  '-cmd',
  '@SUM(A1)',
  '  spaces  around  ',
  'émoji 🔑 ünïcödé 日本語',
  'ends with a quote"',
];
/** What the official writer also writes bare: a leading quote too, which ours reads literally but writes quoted. */
const OFFICIAL_WRITES = [...HELD, '"; DROP TABLE oauthtoken; --'];

const tokenWith = (value: string, i: number): OAuthToken => tokenHolding(value, i, 1_732_000_000_000 + i);

// The official FileStore gives ids when it saves; ours keeps the ids it finds, so compare the other fields.
const withoutId = (fields: Record<string, unknown>): Record<string, unknown> => {
  const { id: _id, ...rest } = fields;
  return rest;
};

describe('one file, the official FileStore and ours', () => {
  test('tokens the official SDK wrote are read exactly by ours, by every key', async () => {
    const path = newFile();
    const official = officialFileStore(path);
    const tokens = OFFICIAL_WRITES.map(tokenWith);
    for (const token of tokens) await official.saveToken(officialToken(token));

    const store = new FileStore({ path });
    assert.deepEqual((await store.getTokens()).map(fieldsOfOurs).map(withoutId), tokens.map(fieldsOfOurs).map(withoutId));
    for (const token of tokens) {
      for (const key of [
        { userSignature: token.userName },
        { accessToken: token.accessToken },
        { refreshToken: token.refreshToken, clientId: token.clientId, clientSecret: token.clientSecret },
      ]) {
        const found = await store.findToken(new OAuthToken(key as ConstructorParameters<typeof OAuthToken>[0]));
        assert.deepEqual(withoutId(fieldsOfOurs(found!)), withoutId(fieldsOfOurs(token)), `found by ${Object.keys(key).join('+')}`);
      }
    }
    await store.close();
  });

  test('tokens ours wrote are read exactly by the official reader, and the file is byte for byte the official one', async () => {
    const oursPath = newFile();
    const theirsPath = newFile();
    const store = new FileStore({ path: oursPath });
    const official = officialFileStore(theirsPath);
    const tokens = HELD.map(tokenWith);
    for (const token of tokens) {
      await store.saveToken(token.clone());
      await official.saveToken(officialToken(token));
    }
    await store.close();
    assert.equal(readFileSync(oursPath, 'utf8'), readFileSync(theirsPath, 'utf8'));

    const reader = officialFileStore(oursPath);
    assert.deepEqual((await reader.getTokens()).map(fieldsOfOfficial), tokens.map(fieldsOfOurs));
    for (const token of tokens) {
      const found = await reader.findToken(officialToken({ userName: token.userName }));
      assert.deepEqual(fieldsOfOfficial(found!), fieldsOfOurs(token));
    }
  });

  test('a save by ours rewrites only its own row: every row the official SDK wrote keeps its bytes', async () => {
    const path = newFile();
    const official = officialFileStore(path);
    for (const [i, value] of OFFICIAL_WRITES.entries()) await official.saveToken(officialToken(tokenWith(value, i)));
    // Rows this store would not write the same way: an expiry that is not a number, and a legacy nine-column row.
    const odd = officialToken({ userName: 'odd@example.com', clientId: 'c', clientSecret: 's', refreshToken: '1000.odd' });
    odd.setExpiresIn('soon');
    await official.saveToken(odd);
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n99,legacy@example.com,c,s,1000.legacy,a,,,`);
    const before = readFileSync(path, 'utf8').split('\n');

    const store = new FileStore({ path });
    const target = tokenWith(HELD[2] as string, 2);
    await store.saveToken(new OAuthToken({ userSignature: target.userName, accessToken: "1000.new'; DROP TABLE oauthtoken; --" }));
    await store.saveToken(
      new OAuthToken({ userSignature: 'new@example.com', clientId: 'c', clientSecret: 's', refreshToken: '=HYPERLINK("http://x")' }),
    );
    await store.close();

    const after = readFileSync(path, 'utf8').split('\n');
    assert.equal(after.length, before.length + 1);
    for (const [i, line] of before.entries()) {
      if (line.includes(`#user2,`)) assert.notEqual(after[i], line, 'the saved row changed');
      else assert.equal(after[i], line, `line ${i + 1} keeps its bytes`);
    }
    assert.equal(after.at(-1), `100,new@example.com,c,s,=HYPERLINK("http://x"),,,,,`);

    const theirs = await officialFileStore(path).getTokens();
    const updated = theirs.find((token) => token.getUserSignature()?.getName() === target.userName);
    assert.equal(updated?.getAccessToken(), "1000.new'; DROP TABLE oauthtoken; --");
    assert.equal(updated?.getRefreshToken(), target.refreshToken);
    assert.equal(theirs.find((token) => token.getId() === '100')?.getRefreshToken(), '=HYPERLINK("http://x")');
  });

  test('values the official format cannot hold are quoted by ours and read back exactly; the official reader splits them', async () => {
    const path = newFile();
    const store = new FileStore({ path });
    const values = [
      '=HYPERLINK("http://x","y")',
      'a,b',
      'line one\nline two',
      'carriage\r\nreturn',
      'lone\rcarriage return',
      '"starts with a quote',
      '"quoted"',
    ];
    const tokens = values.map(
      (value, i) =>
        new OAuthToken({ userSignature: `user${i}@example.com`, clientId: value, clientSecret: 's', refreshToken: `1000.r${i}` }),
    );
    for (const token of tokens) await store.saveToken(token);
    await store.close();

    const text = readFileSync(path, 'utf8');
    for (const value of values) assert.ok(text.includes(`,"${value.replaceAll('"', '""')}",`), `${JSON.stringify(value)} is quoted`);
    const reopened = new FileStore({ path });
    assert.deepEqual((await reopened.getTokens()).map(fieldsOfOurs), tokens.map(fieldsOfOurs));
    await reopened.close();

    // What the official reader makes of them: it splits on commas and LF and keeps the quotes.
    const reader = officialFileStore(path);
    const clientIdOf = async (i: number): Promise<string | null> =>
      (await reader.findToken(officialToken({ userName: `user${i}@example.com` })))?.getClientId() ?? null;
    assert.equal(await clientIdOf(0), '"=HYPERLINK(""http://x""', 'a comma ends the value there, quotes kept');
    assert.equal(await clientIdOf(1), '"a');
    assert.equal(await clientIdOf(2), '"line one', 'a line break ends the row there');
    assert.equal(await clientIdOf(3), '"carriage\r');
    assert.equal(await clientIdOf(4), '"lone\rcarriage return"', 'a lone CR is no line end for it: only the quotes differ');
    assert.equal(await clientIdOf(5), '"""starts with a quote"');
    assert.equal(await clientIdOf(6), '"""quoted"""');
  });
});

describe('reading a field that begins with a quote', () => {
  const HEADER = 'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain';
  const read = async (row: string): Promise<Record<string, unknown>> => {
    const path = newFile();
    writeFileSync(path, `${HEADER}\n${row}`);
    const store = new FileStore({ path });
    const [token] = await store.getTokens();
    await store.close();
    return fieldsOfOurs(token!);
  };

  test('one that is not a well-formed quoted value is taken literally, as the official reader takes it', async () => {
    assert.equal((await read('1,"ada@example.com,c,s,r,a,,1,,x')).userName, '"ada@example.com');
    assert.equal((await read('1,"ada"x,c,s,r,a,,1,,x')).userName, '"ada"x');
    assert.equal((await read('1,a,"say "hi",s,r,a,,1,,x')).clientId, '"say "hi"');
    assert.equal((await read('1,a,c,s,r,a,,1,,"x')).apiDomain, '"x');
  });

  test('one that is a well-formed quoted value is unquoted, whoever wrote it (the one ambiguity, documented)', async () => {
    const path = newFile();
    const official = officialFileStore(path);
    await official.saveToken(officialToken({ userName: '"ada"', clientId: 'c', clientSecret: 's', refreshToken: '""' }));
    const store = new FileStore({ path });
    const [token] = await store.getTokens();
    assert.equal(token?.userName, 'ada');
    assert.equal(token?.refreshToken, null, '"" is the empty quoted value');
    await store.close();
    assert.equal((await read('1,"a,b","x""y",s,r,a,,1,,')).userName, 'a,b');
  });
});
