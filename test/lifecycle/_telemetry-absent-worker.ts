// Runs one user's token life (authorize, serve, refresh) with the telemetry option given by argv[2] ('default' or
// 'off'), or only imports the package ('import'); prints what it got. Run under the import watch of the test.
import { MemoryStore, TokenManager } from 'zoho-token-store';
import { AccountsEmulator } from 'zoho-token-store/testing';

const mode = process.argv[2];
if (mode === 'import') {
  console.log(JSON.stringify({ imported: typeof TokenManager === 'function' }));
} else {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  try {
    const manager = new TokenManager({
      environment: emulator.environment('us'),
      environments: [],
      clock: emulator.clock,
      store: new MemoryStore(),
      ...(mode === 'off' ? { telemetry: false as const } : {}),
    });
    const client = emulator.registerClient();
    const user = emulator.addUser();
    const token = await manager.exchangeGrant({
      code: emulator.issueGrantCode({ client, user }),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
    });
    const first = await manager.accessToken({ user: user.email });
    emulator.clock.advance(3_600_000);
    const renewed = await manager.accessToken({ user: user.email });
    await manager.close();
    console.log(
      JSON.stringify({ served: first === token.accessToken, refreshed: renewed !== first, refreshes: emulator.stats.refreshRequests() }),
    );
  } finally {
    await emulator.close();
  }
}
