// Child process for default-store.test.ts: a TokenManager with no store option, in a temporary working directory.
import { TokenManager, OAuthToken } from 'zoho-token-store';

const [accountsUrl, apiDomain, clientId, clientSecret, redirectUri, code] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const { customEnvironment } = await import('zoho-token-store');
const manager = new TokenManager({
  environment: customEnvironment({ accountsUrl, apiDomain }),
  client: { clientId, clientSecret, redirectUri },
});
const token = await manager.exchangeGrant({ code, accountsServer: accountsUrl });
process.stdout.write(JSON.stringify({ id: token.id, user: token.userName, isToken: token instanceof OAuthToken }));
await manager.close();
