import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { consoleLogger, levelLogger, MemoryStore, type LogEntry } from 'zoho-token-store';
import { LifecycleHarness, clientToken } from './_harness.js';

let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start();
});
after(async () => {
  await h.close();
  h.assertNoSecretLeaked();
});

const HOUR = 3_600_000;

describe('events, logs and secrets', () => {
  test('a whole life emits saved, refreshed (authorized, expiring, rejected), refreshFailed and revoked, with ids and users only', async () => {
    const manager = h.manager({ store: new MemoryStore() });
    const seen: Array<[string, Record<string, unknown>]> = [];
    for (const name of ['refreshed', 'refreshFailed', 'revoked', 'saved'] as const)
      manager.on(name, (event) => seen.push([name, { ...event }]));
    const client = h.client();
    const user = h.user();
    const token = await h.authorize(manager, client, user);
    const id = String(token.id);
    h.emulator.clock.advance(HOUR);
    const renewed = await manager.accessToken({ id });
    manager.reportInvalidToken(renewed);
    await manager.accessToken({ id });
    h.emulator.clock.advance(HOUR);
    h.emulator.faults.throttleNext(1);
    await h.rejects(manager.accessToken({ id }), 'THROTTLED');
    await manager.revoke({ id });

    const names = seen.map(([name, event]) => (name === 'refreshed' ? `refreshed:${String(event.reason)}` : name));
    assert.deepEqual(names, [
      'saved',
      'refreshed:authorized',
      'saved',
      'refreshed:expiring',
      'saved',
      'refreshed:rejected',
      'refreshFailed',
      'revoked',
    ]);
    const [, first] = seen[1] as [string, Record<string, unknown>];
    assert.deepEqual(Object.keys(first).sort(), ['expiresAt', 'grantType', 'reason', 'rotated', 'tokenId', 'userName']);
    assert.equal(first.tokenId, id);
    assert.equal(first.userName, user.email);
    const failed = (seen[6] as [string, Record<string, unknown>])[1];
    assert.equal(failed.code, 'THROTTLED');
    assert.ok(failed.error instanceof Error);
  });

  test('a listener that throws is logged and skipped; the request still succeeds', async () => {
    const manager = h.manager({ store: new MemoryStore() });
    manager.on('saved', () => {
      throw new Error('listener bug');
    });
    const token = await h.authorize(manager, h.client(), h.user());
    assert.ok(token.id);
    assert.ok(h.logs.some((entry) => entry.level === 'warn' && entry.message.includes('listener threw')));
  });

  test('the debug log tells the story with ids, users, statuses and durations', async () => {
    const lines: LogEntry[] = [];
    const manager = h.manager({
      store: new MemoryStore(),
      logger: levelLogger('debug', (entry) => {
        lines.push(entry);
        h.logs.push(entry);
      }),
    });
    const user = h.user();
    const token = await h.authorize(manager, h.client(), user);
    h.emulator.clock.advance(HOUR);
    await manager.accessToken({ user: user.email });
    const messages = lines.map((entry) => entry.message);
    assert.ok(messages.includes('accounts request'));
    assert.ok(messages.includes('renewing access token'));
    assert.ok(messages.includes('access token renewed'));
    const renewed = lines.find((entry) => entry.message === 'access token renewed');
    assert.equal(renewed?.fields.tokenId, token.id);
    assert.equal(renewed?.fields.user, user.email);
    assert.ok(
      lines.some(
        (entry) => entry.message === 'accounts request' && entry.fields.status === 200 && typeof entry.fields.durationMs === 'number',
      ),
    );
  });

  test('log levels: info drops debug lines; an unknown level is refused', () => {
    const lines: LogEntry[] = [];
    const logger = levelLogger('info', (entry) => lines.push(entry));
    logger.debug('hidden');
    logger.info('shown', { tokenId: '1' });
    logger.error('shown too');
    assert.deepEqual(
      lines.map((entry) => entry.message),
      ['shown', 'shown too'],
    );
    assert.throws(() => levelLogger('loud' as never, () => undefined), TypeError);
    assert.equal(typeof consoleLogger('silent').debug, 'function');
  });

  test('the leak check finds a planted secret (so a real leak would fail the suite)', async () => {
    const probe = await LifecycleHarness.start({ dataCenters: ['us'] });
    try {
      const client = probe.client();
      const manager = probe.manager({ tokens: clientToken(client, { grantToken: probe.grantCode(client, probe.user()) }) });
      const access = await manager.accessToken();
      probe.assertNoSecretLeaked();
      probe.logger.debug('oops', { accessToken: access });
      assert.throws(() => probe.assertNoSecretLeaked(), /a secret value leaked/);
    } finally {
      await probe.close();
    }
  });
});
