// Fixture: a whole flow with every fault, in its own process, so the test can check that the emulator printed nothing.
import { AccountsEmulator } from 'zoho-token-store/testing';
import { bearer, exchange, post, refreshParams, token } from './_emulator.js';

const emulator = await AccountsEmulator.start();
try {
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const { refreshToken, accessToken } = await exchange(emulator, client, user);
  await token(emulator.accountsUrl(), refreshParams(client, refreshToken), 'multipart');
  await token(emulator.accountsUrl(), { ...refreshParams(client, refreshToken), client_secret: 'wrong' });
  emulator.faults.failNext(1);
  await post(emulator.accountsUrl(), '/oauth/v2/token', refreshParams(client, refreshToken));
  emulator.faults.dropNext(1);
  await token(emulator.accountsUrl(), refreshParams(client, refreshToken)).catch(() => undefined);
  await fetch(`${emulator.accountsUrl()}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    body: 'broken',
  });
  await fetch(`${emulator.apiDomain()}/crm/v8/users?type=CurrentUser`, { headers: { authorization: bearer(accessToken) } });
  emulator.revokeRefreshToken(refreshToken);
  await fetch(`${emulator.apiDomain()}/crm/v8/users?type=CurrentUser`, { headers: { authorization: bearer(accessToken) } });
} finally {
  await emulator.close();
}
