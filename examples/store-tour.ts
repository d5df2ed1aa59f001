// A short tour of the store API: save, find by each matching branch, update, list, delete. Secrets print masked.
import { ListStore, MemoryStore, OAuthToken, type TokenStore } from 'zoho-token-store';

function show(label: string, token: OAuthToken | null): void {
  console.log(`  ${label.padEnd(44)} ${token ? `token ${token.id} of ${token.userName ?? '(no user)'}` : 'null'}`);
}

async function tour(name: string, store: TokenStore): Promise<void> {
  console.log(`\n${name}`);
  const ada = new OAuthToken({
    userSignature: 'ada@example.com',
    clientId: '1000.CLIENTADA',
    clientSecret: 'ada-client-secret-0123456789',
    grantToken: '1000.grant.ada.0123456789abcdef',
    refreshToken: '1000.refresh.ada.0123456789abcdef',
    accessToken: '1000.access.ada.0123456789abcdef',
    expiresAt: Date.now() + 3_600_000,
    apiDomain: 'https://www.zohoapis.com',
  });
  const bob = new OAuthToken({
    ...ada,
    userSignature: 'bob@example.com',
    refreshToken: '1000.refresh.bob.0123456789abcdef',
    grantToken: null,
    accessToken: '1000.access.bob.0123456789abcdef',
  });
  await store.saveToken(ada);
  await store.saveToken(bob);
  console.log(`  saved ada as token ${ada.id} and bob as token ${bob.id}`);

  show('findToken by user name', await store.findToken(new OAuthToken({ userSignature: 'bob@example.com' })));
  show('findToken by access token (no client)', await store.findToken(new OAuthToken({ accessToken: ada.accessToken })));
  const credentials = { clientId: ada.clientId, clientSecret: ada.clientSecret };
  show('findToken by grant token (with client)', await store.findToken(new OAuthToken({ ...credentials, grantToken: ada.grantToken })));
  show(
    'findToken by refresh token (with client)',
    await store.findToken(new OAuthToken({ ...credentials, refreshToken: bob.refreshToken })),
  );
  show('findToken by refresh token (no client)', await store.findToken(new OAuthToken({ refreshToken: bob.refreshToken })));

  await store.saveToken(
    new OAuthToken({
      userSignature: 'ada@example.com',
      accessToken: '1000.access.ada.renewed.0123456789',
      expiresAt: Date.now() + 3_600_000,
    }),
  );
  const renewed = await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' }));
  console.log(
    `  after a partial save for ada: ${(await store.getTokens()).length} tokens; ada's refresh token kept: ${renewed?.refreshToken === ada.refreshToken}`,
  );
  console.log(`  ada as console.log shows it: ${String(renewed)}`);

  await store.deleteToken(String(bob.id));
  console.log(`  after deleteToken(${bob.id}): ${(await store.getTokens()).map((t) => t.userName).join(', ')}`);
  await store.deleteTokens();
  console.log(`  after deleteTokens(): ${(await store.getTokens()).length} tokens`);
}

await tour('MemoryStore', new MemoryStore());
await tour('ListStore', new ListStore());
