// The bad day, third part: a token deleted (sign-out, a wipe) while its refresh is in flight. The deletion wins: the
// refresh's save does not bring the token back, the caller is told (TOKEN_NOT_FOUND), and a refresh token rotated in
// by that refresh, which exists nowhere else, is revoked at the server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TokenManager, customEnvironment } from 'zoho-token-store';
import type { PgBouncer } from '../_pgbouncer.js';
import { openStore } from '../integration/_stores.js';
import { authorizedExpired, badDayCases, maybePgBouncer, until, type BadDayCase } from './_bad-day.js';

const folder = mkdtempSync(join(tmpdir(), 'zts-bad-day-delete-'));
let bouncer: PgBouncer | null = null;
const cases = await badDayCases(folder, 'delete', () => bouncer);

async function deleteRound(storeCase: BadDayCase, rotation: boolean): Promise<void> {
  const spec = await storeCase.spec();
  const setup = await authorizedExpired(spec, { rotation });
  const where = `${storeCase.label}${rotation ? ', rotating' : ''}`;
  const store = await openStore(spec);
  try {
    const environment = customEnvironment({
      accountsUrl: setup.emulator.accountsUrl('us'),
      apiDomain: setup.emulator.apiDomain('us'),
      ...(rotation ? { refreshTokenRotation: 'possible' as const } : {}),
    });
    const manager = new TokenManager({ store, environment, client: setup.client });
    setup.emulator.faults.delay(1_500);
    const asked = manager.accessToken({ user: setup.user }).then(
      () => 'served',
      (error: unknown) => String((error as { code?: string }).code),
    );
    await until(() => setup.emulator.stats.refreshRequests() === 1, `${where}: the refresh request`);
    await store.deleteToken(setup.tokenId);
    assert.equal(await asked, 'TOKEN_NOT_FOUND', `${where}: the caller learns the token is gone`);
    assert.deepEqual(await store.getTokens(), [], `${where}: no row re-created`);
    assert.equal(setup.emulator.stats.revokes(), rotation ? 1 : 0, `${where}: revoked the rotated refresh token only`);
    await manager.close();
  } finally {
    await store.close();
    await setup.emulator.close();
    await storeCase.cleanUp(spec);
  }
}

describe('a token deleted while its refresh is in flight', () => {
  before(async () => {
    bouncer = await maybePgBouncer();
  });
  after(async () => {
    await bouncer?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  for (const rotation of [false, true]) {
    test(`${rotation ? 'a rotating server' : 'Zoho'}: no row re-created, the caller gets TOKEN_NOT_FOUND${rotation ? ', the new refresh token revoked' : ''}`, async () => {
      const runnable = cases.filter((storeCase) => storeCase.skip === false);
      const outcomes = await Promise.allSettled(runnable.map((storeCase) => deleteRound(storeCase, rotation)));
      const failures = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [String((outcome.reason as Error)?.message ?? outcome.reason)] : [],
      );
      assert.deepEqual(failures, []);
    });
  }
});
