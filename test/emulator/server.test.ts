import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { test } from 'node:test';
import { AccountsEmulator, DEFAULT_EMULATOR_DATA_CENTERS } from 'zoho-token-store/testing';
import { environmentForApiDomain } from '../../src/accounts/data-centers.js';
import { runNode } from '../_processes.js';
import { rawHttp } from '../_raw-http.js';
import { grantFor, startEmulator, token, TOKEN_SHAPE } from './_emulator.js';

/** Resolves with `promise`, or fails the test after `ms` (a ref'd timer, so the loop keeps running meanwhile). */
async function within<T>(ms: number, promise: Promise<T>, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(failure)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

test('one listener per data center on 127.0.0.1, each its own ephemeral port, all nine by default', async (t) => {
  const emulator = await AccountsEmulator.start();
  t.after(() => emulator.close());
  assert.deepEqual(emulator.dataCenters, [...DEFAULT_EMULATOR_DATA_CENTERS]);
  assert.deepEqual(emulator.dataCenters, ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'cn', 'uk']);
  const origins = emulator.dataCenters.map((dc) => emulator.accountsUrl(dc));
  assert.equal(new Set(origins).size, 9);
  for (const origin of origins) assert.match(origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(emulator.accountsUrl(), emulator.accountsUrl('us'));
  for (const dc of emulator.dataCenters) {
    assert.equal(emulator.apiDomain(dc), emulator.accountsUrl(dc));
    const environment = emulator.environment(dc);
    assert.deepEqual(
      { ...environment },
      { dataCenter: 'custom', kind: 'production', accountsUrl: emulator.accountsUrl(dc), apiDomain: emulator.apiDomain(dc) },
    );
  }
  // A token response's api_domain finds its environment among the emulator's.
  const environments = emulator.dataCenters.map((dc) => emulator.environment(dc));
  const { body } = await grantFor(emulator, 'eu');
  assert.equal(environmentForApiDomain(String(body.api_domain), environments)?.accountsUrl, emulator.accountsUrl('eu'));
});

test('every data center keeps its own tokens: api_domain names the listener of the grant', async (t) => {
  const emulator = await AccountsEmulator.start({ dataCenters: ['in', 'cn', 'uk'] });
  t.after(() => emulator.close());
  for (const dc of ['in', 'cn', 'uk'] as const) {
    const { body, client, refreshToken } = await grantFor(emulator, dc);
    assert.equal(body.api_domain, emulator.apiDomain(dc));
    for (const other of (['in', 'cn', 'uk'] as const).filter((d) => d !== dc)) {
      const params = {
        grant_type: 'refresh_token',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        refresh_token: refreshToken,
      };
      assert.deepEqual((await token(emulator.accountsUrl(other), params)).body, { error: 'invalid_client' });
    }
  }
});

test('a data center the emulator does not serve is a caller mistake', async (t) => {
  const emulator = await startEmulator(t);
  assert.throws(() => emulator.accountsUrl('jp'), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.registerClient({ dataCenter: 'jp' }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.addUser({ dataCenter: 'jp' }), { code: 'INVALID_ARGUMENT' });
  const onlyEu = await AccountsEmulator.start({ dataCenters: ['eu'] });
  t.after(() => onlyEu.close());
  assert.equal(onlyEu.registerClient().dataCenter, 'eu', 'the default data center is the first served when us is not');
});

test('options are validated before anything listens', async () => {
  await assert.rejects(AccountsEmulator.start({ dataCenters: [] }), { code: 'INVALID_CONFIG' });
  await assert.rejects(AccountsEmulator.start({ dataCenters: ['us', 'xx' as never] }), { code: 'INVALID_CONFIG' });
  await assert.rejects(AccountsEmulator.start({ dataCenters: ['us', 'us'] }), { code: 'INVALID_CONFIG' });
  await assert.rejects(AccountsEmulator.start({ host: '' }), { code: 'INVALID_CONFIG' });
  await assert.rejects(AccountsEmulator.start({ startTime: Number.NaN }), { code: 'INVALID_CONFIG' });
});

test('registration: Zoho-shaped defaults, duplicates refused, foreign objects refused', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  assert.match(client.clientId, /^1000\.[A-Z0-9]{30}$/);
  assert.match(client.clientSecret, /^[0-9a-f]{42}$/);
  assert.equal(client.dataCenter, 'us');
  assert.ok(Object.isFrozen(client));
  const user = emulator.addUser();
  assert.match(user.id, /^\d{19}$/);
  assert.match(user.orgId, /^\d{9}$/);
  assert.throws(() => emulator.registerClient({ clientId: client.clientId }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.registerClient({ redirectUri: 'not a url' }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.addUser({ email: user.email }), { code: 'INVALID_ARGUMENT' });
  const stranger = { ...client, clientId: '1000.STRANGER' };
  assert.throws(() => emulator.issueGrantCode({ client: stranger, user }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.issueGrantCode({ client, user: { ...user, id: '1' } }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.issueGrantCode({ client, user, scope: [] }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.issueGrantCode({ client, user, ttlMs: 0 }), { code: 'INVALID_ARGUMENT' });
});

test('the clock: starts at startTime, runs, advances and is set', async (t) => {
  const start = Date.UTC(2030, 0, 1);
  const emulator = await startEmulator(t, { startTime: start });
  const now = emulator.clock.now();
  assert.ok(now >= start && now < start + 60_000);
  emulator.clock.advance(3_600_000);
  assert.ok(emulator.clock.now() >= start + 3_600_000);
  emulator.clock.set(start - 1_000);
  assert.ok(emulator.clock.now() >= start - 1_000 && emulator.clock.now() < start);
  assert.throws(() => emulator.clock.advance(-1), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.clock.set(Number.POSITIVE_INFINITY), { code: 'INVALID_ARGUMENT' });
});

test('close() is idempotent and closes kept-alive connections', async () => {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  const url = new URL(`${emulator.accountsUrl()}/crm/v8/Leads`);
  const agent = new Agent({ keepAlive: true });
  let socketClosed!: Promise<void>;
  // A full response on a kept-alive socket, whose 'close' is watched from the moment the socket exists.
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { agent }, (response) => {
      response.resume();
      response.once('end', () => resolve());
    });
    req.once('socket', (socket) => {
      socketClosed = new Promise((closed) => socket.once('close', () => closed()));
    });
    req.once('error', reject);
    req.end();
  });
  await Promise.all([emulator.close(), emulator.close()]);
  // The agent unrefs its idle socket: within()'s timer keeps the loop running until the client sees the close.
  await within(10_000, socketClosed, 'the kept-alive socket stayed open');
  await emulator.close();
  agent.destroy();
  await assert.rejects(fetch(url), TypeError);
});

test('close() does not wait for a client stuck halfway through a request', async () => {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  const { port } = new URL(emulator.accountsUrl());
  const socket = connect(Number(port), '127.0.0.1');
  const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  // Headers promise 100 bytes of body; only 10 come. The server is mid-request, not idle.
  socket.write(
    'POST /oauth/v2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type',
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  await within(10_000, Promise.all([emulator.close(), socketClosed]), 'close() waited for the stuck client');
});

test('a request target no URL parser reads (`GET //[`) is answered 400, and the listener goes on serving', async (t) => {
  const emulator = await startEmulator(t, { dataCenters: ['us'] });
  const { port } = new URL(emulator.accountsUrl());
  const answer = await rawHttp(Number(port), 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(answer.status, 400);
  assert.ok(!answer.text.includes('//['), 'the target is not echoed');
  assert.equal((await token(emulator.accountsUrl(), { grant_type: 'refresh_token' })).status, 200, 'still serving');
});

test('the emulator prints nothing, whatever happens', async () => {
  const result = await runNode('dist/test/emulator/_silent-flow.js');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, '');
});

test('main.js prints the URLs, a client and a user, serves them, and stops on SIGINT', async () => {
  const child = spawn(process.execPath, ['dist/src/testing/emulator/main.js'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('authorize:')) resolve();
    });
    child.once('error', reject);
    child.once('close', () => reject(new Error(`main.js exited early: ${stdout}`)));
  });
  try {
    const field = (label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(stdout)?.[1] ?? '';
    const usUrl = /^\s+us\s+accounts (\S+)/m.exec(stdout)?.[1] ?? '';
    assert.match(usUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const dc of DEFAULT_EMULATOR_DATA_CENTERS)
      assert.match(stdout, new RegExp(`^\\s+${dc}\\s+accounts http://127\\.0\\.0\\.1:\\d+`, 'm'));
    const clientId = field('client id');
    const clientSecret = field('client secret');
    assert.match(clientId, /^1000\./);
    // The printed authorize URL works as printed.
    const authorize = /authorize: (\S+)/.exec(stdout)?.[1] ?? '';
    const response = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const { body } = await token(usUrl, {
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: clientSecret,
      code,
      redirect_uri: field('redirect uri'),
    });
    assert.match(String(body.refresh_token), TOKEN_SHAPE);
    assert.doesNotMatch(stdout, /1000\.[0-9a-f]{32}\.[0-9a-f]{32}/, 'no token value is printed');
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0);
  assert.match(stdout, /emulator stopped/);
});
