import { MemoryStore, OAuthToken, TokenManager } from 'zoho-token-store';
import { AccountsClient } from 'zoho-token-store/accounts';
import { AccountsEmulator, completeToken } from 'zoho-token-store/testing';
import { formatNs, measure, printComparisons, printFigures } from './harness.js';

const HOUR = 3_600_000;

/** Refresh requests the emulator saw when `callers` ask for one expired token at once. */
export async function refreshesAtExpiry(
  emulator: AccountsEmulator,
  callers: number,
): Promise<{ manager: number; naive: number; naiveThrottled: number; naiveFailed: number }> {
  const client = emulator.registerClient();
  const user = emulator.addUser();
  // A store of its own: the default (SQLite in the working directory) would leave a file behind.
  const manager = new TokenManager({
    environment: emulator.environment('us'),
    environments: [],
    clock: emulator.clock,
    store: new MemoryStore(),
  });
  const token = await manager.exchangeGrant({
    code: emulator.issueGrantCode({ client, user }),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: client.redirectUri,
  });
  emulator.clock.advance(HOUR);
  let before = emulator.stats.refreshRequests();
  await Promise.all(Array.from({ length: callers }, () => manager.accessToken({ user: user.email })));
  const managerRequests = emulator.stats.refreshRequests() - before;
  await manager.close();

  // The official SDK's flow: every caller that finds the token expired refreshes it itself.
  emulator.clock.advance(HOUR);
  const accounts = new AccountsClient({ retry: { attempts: 1 }, clock: emulator.clock });
  before = emulator.stats.refreshRequests();
  const throttledBefore = emulator.stats.throttled();
  const request = {
    accountsUrl: emulator.accountsUrl('us'),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    refreshToken: String(token.refreshToken),
  };
  const outcomes = await Promise.all(
    Array.from({ length: callers }, () =>
      accounts.refresh(request).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      ),
    ),
  );
  return {
    manager: managerRequests,
    naive: emulator.stats.refreshRequests() - before,
    naiveThrottled: emulator.stats.throttled() - throttledBefore,
    // Callers whose request never got an answer (connections refused or reset under the burst).
    naiveFailed: outcomes.filter((outcome) => outcome === 'ACCOUNTS_UNAVAILABLE').length,
  };
}

/** Refresh requests at expiry for 1–1,000 concurrent callers, and the cost of a valid token with 10,000 users stored. */
export async function benchLifecycle(): Promise<void> {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  const rows: Array<readonly [string, string]> = [];
  try {
    for (const callers of [1, 10, 100, 1_000]) {
      const { manager, naive, naiveThrottled, naiveFailed } = await refreshesAtExpiry(emulator, callers);
      const unanswered = naiveFailed > 0 ? `, ${naiveFailed} callers got no answer` : '';
      rows.push([
        `${callers} concurrent callers at expiry`,
        `TokenManager ${manager} request(s); each caller for itself (official SDK flow) ${naive} requests, ${naiveThrottled} throttled${unanswered}`,
      ]);
    }
  } finally {
    await emulator.close();
  }
  printFigures('Refresh requests at expiry (accounts emulator)', rows);

  const size = 10_000;
  const store = new MemoryStore();
  const tokens = Array.from({ length: size }, () => completeToken({ expiresAt: Date.now() + 10 * HOUR }));
  for (const token of tokens) await store.saveToken(token);
  const manager = new TokenManager({ store });
  const names = tokens.map((token) => String(token.userName));
  const selectors = names.map((user) => ({ user }));
  const queries = names.map((user) => new OAuthToken({ userSignature: user }));
  const map = new Map(tokens.map((token) => [String(token.userName), token]));
  for (const selector of selectors) await manager.accessToken(selector); // first use reads the store; later calls do not

  let sink = 0;
  // The subject first: findToken allocates a token per call, and the garbage it leaves is collected during
  // whatever is measured next. A discarded round first lets the setup's garbage (10,000 saves) be collected.
  await measure('settle', (i) => manager.accessToken(selectors[i % size] as { user: string }));
  const valid = await measure('accessToken', (i) => manager.accessToken(selectors[i % size] as { user: string }));
  const credentials = await measure('credentials', (i) => manager.credentials(selectors[i % size] as { user: string }));
  const mapGet = await measure('Map.get', (i) => {
    if (map.get(names[i % size] as string)) sink += 1;
  });
  const find = await measure('MemoryStore.findToken', (i) => store.findToken(queries[i % size] as OAuthToken));
  if (sink < 0) console.log(sink);
  printComparisons(`A valid token for an API call, ${size.toLocaleString('en')} users stored (median per call)`, [
    { what: 'accessToken({ user })', subject: valid, anchor: mapGet },
    { what: 'accessToken({ user })', subject: valid, anchor: find },
    { what: 'credentials({ user })', subject: credentials, anchor: find },
  ]);
  const goalNs = 5_000;
  console.log(`accessToken median ${formatNs(valid.medianNs)}: ${valid.medianNs < goalNs ? 'ok' : 'MISSED'} (goal < ${formatNs(goalNs)})`);
  await manager.close();
  await store.close();
}
