// Runs the accounts emulator until SIGINT: `node dist/src/testing/emulator/main.js`. Prints its URLs and one
// registered client and user. The client secret is printed because it is the emulator's own test credential,
// valid nowhere else; no token is ever printed.
import { AccountsEmulator } from './accounts-emulator.js';

const emulator = await AccountsEmulator.start();
const client = emulator.registerClient();
const user = emulator.addUser({ email: 'ada@example.com', fullName: 'Ada Lovelace' });

const lines = [
  'Zoho accounts emulator (127.0.0.1 only; Ctrl-C to stop)',
  '',
  ...emulator.dataCenters.map((dc) => `  ${dc.padEnd(3)} accounts ${emulator.accountsUrl(dc)}   api_domain ${emulator.apiDomain(dc)}`),
  '',
  `  client id      ${client.clientId}`,
  `  client secret  ${client.clientSecret}   (the emulator's own test credential)`,
  `  redirect uri   ${client.redirectUri}`,
  `  user           ${user.email} (id ${user.id}, org ${user.orgId}, data center ${user.dataCenter})`,
  '',
  `  authorize: ${emulator.accountsUrl()}/oauth/v2/auth?response_type=code&access_type=offline&scope=ZohoCRM.modules.ALL,ZohoCRM.users.READ&client_id=${client.clientId}&redirect_uri=${encodeURIComponent(client.redirectUri)}`,
];
process.stdout.write(`${lines.join('\n')}\n`);

process.once('SIGINT', () => {
  void emulator.close().then(() => process.stdout.write('emulator stopped\n'));
});
