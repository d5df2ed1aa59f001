// The portal's parts on their own: request targets, cookies, sessions, pending sign-ins, the grant-code window,
// the log, the store wrapper that finds replaced refresh tokens, and the public URL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryStore, OAuthToken } from 'zoho-token-store';
import { supportsRefreshLock } from 'zoho-token-store/kernel';
import { PortalCookies, readCookie } from '../../examples/portal/cookies.js';
import { describeDevice } from '../../examples/portal/device.js';
import { PendingSignIns, SIGN_IN_TTL_MS } from '../../examples/portal/pending-sign-ins.js';
import { PortalLog } from '../../examples/portal/portal-log.js';
import { publicOriginOf } from '../../examples/portal/public-origin.js';
import { ReplacedRefreshTokens } from '../../examples/portal/replaced-refresh-tokens.js';
import { parseRequestTarget } from '../../examples/portal/request-target.js';
import { csrfMatches, SessionRegistry } from '../../examples/portal/sessions.js';
import { SignInThrottle } from '../../examples/portal/sign-in-throttle.js';

const ORIGIN = 'http://127.0.0.1:3000';
const MINUTE = 60_000;

describe('request targets', () => {
  test('origin-form paths with a query are read; anything else is null, never an exception', () => {
    assert.equal(parseRequestTarget('/records?page=2', ORIGIN)?.href, `${ORIGIN}/records?page=2`);
    assert.equal(
      parseRequestTarget('/oauth/callback?state=a&accounts-server=https%3A%2F%2Faccounts.zoho.eu', ORIGIN)?.searchParams.get(
        'accounts-server',
      ),
      'https://accounts.zoho.eu',
    );
    assert.equal(parseRequestTarget('/%3Cb%3E', ORIGIN)?.pathname, '/%3Cb%3E');
    for (const target of [
      '//[',
      '//evil.example/x',
      '*',
      'http://evil.example/',
      'records',
      '/a b',
      '/[x]',
      '/a"b',
      '/%zz',
      '/a\\b',
      '/a\u0000',
      '/é',
      `/${'a'.repeat(3_000)}`,
      '',
      undefined,
    ]) {
      assert.equal(parseRequestTarget(target, ORIGIN), null, JSON.stringify(target));
    }
  });
});

describe('cookies', () => {
  test('over http: plain names; over https: __Host- names with Secure; always HttpOnly, SameSite=Lax, Path=/ and no Domain', () => {
    const plain = new PortalCookies(ORIGIN);
    assert.equal(plain.session, 'portal_session');
    assert.equal(plain.set(plain.session, 'v', 60), 'portal_session=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax');
    const secure = new PortalCookies('https://portal.school.example');
    assert.deepEqual([secure.session, secure.signIn], ['__Host-portal_session', '__Host-portal_sign_in']);
    assert.equal(secure.set(secure.signIn, 'n', 600), '__Host-portal_sign_in=n; Max-Age=600; Path=/; HttpOnly; SameSite=Lax; Secure');
    assert.equal(secure.clear(secure.session), '__Host-portal_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure');
    assert.ok(!secure.set(secure.session, 'v', 1).includes('Domain'));
  });

  test('a cookie given twice (one tossed in by another site) is read as absent', () => {
    assert.equal(readCookie('a=1; portal_session=x; b=2', 'portal_session'), 'x');
    assert.equal(readCookie('portal_session=x; portal_session=y', 'portal_session'), null);
    assert.equal(readCookie('portal_sessionX=1', 'portal_session'), null);
    assert.equal(readCookie(undefined, 'portal_session'), null);
  });
});

describe('sessions', () => {
  test('a session is found by its cookie value only; ended sessions, other values and malformed ones find nothing', () => {
    const sessions = new SessionRegistry();
    const { id, session } = sessions.create('ada@zylker.example', 'Chrome on Linux', 0);
    assert.equal(sessions.find(id, 1), session);
    assert.equal(sessions.find(`${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`, 1), null);
    assert.equal(sessions.find('ada@zylker.example', 1), null);
    assert.equal(sessions.find(null, 1), null);
    assert.ok(csrfMatches(session, session.csrfToken));
    assert.ok(!csrfMatches(session, 'x') && !csrfMatches(session, null) && !csrfMatches(session, `${session.csrfToken}x`));
    sessions.end(id);
    assert.equal(sessions.find(id, 2), null);
    assert.equal(sessions.size, 0);
  });

  test('ended by age (8 h), by idleness (2 h), all of one student at once, or one by its handle, only by its own student', () => {
    const sessions = new SessionRegistry();
    const old = sessions.create('ada', 'A', 0);
    const idle = sessions.create('ada', 'B', 0);
    const grace = sessions.create('grace', 'C', 0);
    for (let t = MINUTE; t < 8 * 60 * MINUTE; t += 60 * MINUTE) assert.ok(sessions.find(old.id, t), 'used every hour: alive');
    assert.equal(sessions.find(idle.id, 3 * 60 * MINUTE), null, 'unused for 3 hours');
    assert.equal(sessions.find(old.id, 8 * 60 * MINUTE), null, '8 hours after it started');
    const a = sessions.create('ada', 'A', 0);
    const b = sessions.create('ada', 'B', 0);
    assert.equal(sessions.endByHandle('grace', a.session.handle), false, "grace cannot end ada's session");
    assert.equal(sessions.endByHandle('ada', a.session.handle), true);
    assert.equal(sessions.find(a.id, 1), null);
    assert.deepEqual(sessions.ofUser('ada', 1), [b.session]);
    assert.equal(sessions.endAllOf('ada'), 1);
    assert.equal(sessions.find(b.id, 1), null);
    assert.ok(sessions.find(grace.id, 1), "grace's session is untouched");
  });

  test("bounded: beyond maxSessions the least recently used ends; beyond maxPerUser, that student's least recently used", () => {
    const sessions = new SessionRegistry({ maxSessions: 3, maxPerUser: 2 });
    const first = sessions.create('a', 'x', 0);
    const second = sessions.create('b', 'x', 1);
    const third = sessions.create('c', 'x', 2);
    sessions.find(first.id, 3); // used: now the most recent
    sessions.create('d', 'x', 4);
    assert.equal(sessions.size, 3);
    assert.equal(sessions.find(second.id, 5), null, 'the least recently used ended');
    assert.ok(sessions.find(first.id, 5) && sessions.find(third.id, 5));
    const own = [sessions.create('e', 'x', 6), sessions.create('e', 'x', 7)];
    sessions.find((own[0] as { id: string }).id, 8);
    sessions.create('e', 'x', 9);
    assert.equal(sessions.ofUser('e', 9).length, 2);
    assert.equal(sessions.find((own[1] as { id: string }).id, 9), null, "the student's least recently used ended");
    const many = new SessionRegistry({ maxSessions: 1_000 });
    for (let i = 0; i < 20_000; i += 1) many.create(`user${i % 3_000}`, 'x', i);
    assert.equal(many.size, 1_000);
  });
});

describe('pending sign-ins', () => {
  test('each is taken once, within 10 minutes; at most the bound are kept, the oldest dropped first', () => {
    const pending = new PendingSignIns(3);
    pending.add('s1', 'v1', 'b', 0);
    assert.deepEqual(pending.take('s1', 1), { verifier: 'v1', browser: 'b', startedAt: 0 });
    assert.equal(pending.take('s1', 2), null, 'used once');
    pending.add('s2', 'v2', 'b', 10);
    assert.equal(pending.take('s2', 10 + SIGN_IN_TTL_MS + 1), null, 'expired');
    for (const state of ['a', 'b', 'c', 'd']) pending.add(state, 'v', 'b', 20);
    assert.equal(pending.size, 3);
    assert.equal(pending.take('a', 21), null, 'the oldest was dropped');
    assert.ok(pending.take('d', 21));
    pending.add('e', 'v', 'b', 20 + SIGN_IN_TTL_MS + 1);
    assert.equal(pending.size, 1, 'expired ones are dropped when a sign-in starts');
  });

  test('a sign-in taken meanwhile is skipped when the oldest is dropped; churn keeps the bound', () => {
    const pending = new PendingSignIns(3);
    for (const state of ['a', 'b', 'c']) pending.add(state, 'v', 'b', 0);
    assert.ok(pending.take('a', 1));
    pending.add('d', 'v', 'b', 2);
    pending.add('e', 'v', 'b', 3);
    assert.equal(pending.take('b', 4), null, 'b was the oldest still pending');
    assert.ok(pending.take('c', 4) && pending.take('d', 4) && pending.take('e', 4));
    for (let i = 0; i < 50_000; i += 1) {
      pending.add(`s${i}`, 'v', 'b', 10);
      if (i % 2 === 0) pending.take(`s${i}`, 10);
    }
    assert.equal(pending.size, 3);
    assert.ok(pending.take('s49999', 10), 'the newest is there');
  });
});

describe("Zoho's grant-code window", () => {
  test('full after the limit, until the window that opened with the first code ends', () => {
    const throttle = new SignInThrottle({ perWindow: 3, windowMs: 10 * MINUTE });
    assert.equal(throttle.waitMs(0), 0);
    for (const t of [0, MINUTE, 2 * MINUTE]) throttle.codeSeen(t);
    assert.equal(throttle.waitMs(2 * MINUTE), 8 * MINUTE);
    assert.equal(throttle.waitMs(10 * MINUTE), 0, 'the window ended');
    throttle.codeSeen(10 * MINUTE);
    assert.equal(throttle.waitMs(10 * MINUTE), 0, 'a new window, one code in it');
  });

  test('Zoho throttling an exchange the portal let through: wait retryAfterMs, or to the end of a full window', () => {
    const throttle = new SignInThrottle({ perWindow: 3, windowMs: 10 * MINUTE });
    throttle.codeSeen(0);
    assert.equal(throttle.throttled(MINUTE, 10 * MINUTE), 10 * MINUTE, 'not full here: the advised wait');
    assert.equal(throttle.waitMs(5 * MINUTE), 6 * MINUTE);
    const full = new SignInThrottle({ perWindow: 2, windowMs: 10 * MINUTE });
    full.codeSeen(0);
    full.codeSeen(MINUTE);
    full.codeSeen(2 * MINUTE);
    assert.equal(full.throttled(2 * MINUTE, 10 * MINUTE), 8 * MINUTE, "full here: the window's end");
  });
});

describe('the log', () => {
  test('JSON lines with time and event first; students as keyed pseudonyms; methods from a fixed list', () => {
    const lines: string[] = [];
    const log = new PortalLog((line) => lines.push(line), Buffer.alloc(32, 1));
    const other = new PortalLog(() => undefined, Buffer.alloc(32, 2));
    log.event('request', { time: 'forged', event: 'forged', method: log.method('BREW'), user: log.user('ada@zylker.example') });
    log.library('info', 'token revoked and deleted', {
      tokenId: '1',
      user: 'ada@zylker.example',
      userName: 'ada@zylker.example',
      remote: true,
    });
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(Object.keys(first ?? {}).slice(0, 2), ['time', 'event']);
    assert.equal(first?.event, 'request');
    assert.notEqual(first?.time, 'forged');
    assert.equal(first?.method, 'OTHER');
    assert.equal(first?.user, log.user('ada@zylker.example'));
    assert.match(String(first?.user), /^u_[A-Za-z0-9_-]{16}$/);
    assert.notEqual(log.user('ada@zylker.example'), other.user('ada@zylker.example'), 'another key, another pseudonym');
    assert.notEqual(log.user('ada@zylker.example'), log.user('grace@zylker.example'));
    assert.equal(second?.user, log.user('ada@zylker.example'));
    assert.equal(second?.userName, log.user('ada@zylker.example'));
    assert.ok(!lines.join('\n').includes('zylker'), 'no user name in any line');
  });
});

describe('replaced refresh tokens', () => {
  test('inside capture, a save that replaces a stored refresh token reports the row as it was; outside, nothing', async () => {
    const store = new MemoryStore();
    const replaced = new ReplacedRefreshTokens();
    const wrapped = replaced.wrap(store);
    assert.equal(supportsRefreshLock(wrapped), supportsRefreshLock(store), 'the wrapper keeps the refresh lock');
    await wrapped.saveToken(
      new OAuthToken({ userSignature: 'ada', refreshToken: 'r1', accessToken: 'a1', clientId: 'c', clientSecret: 's' }),
    );
    const first = await replaced.capture(() =>
      wrapped.saveToken(new OAuthToken({ userSignature: 'ada', refreshToken: 'r2', accessToken: 'a2' })),
    );
    assert.deepEqual(
      first.replaced.map((token) => [token.userName, token.refreshToken, token.clientId]),
      [['ada', 'r1', 'c']],
    );
    const refresh = await replaced.capture(() => wrapped.saveToken(new OAuthToken({ userSignature: 'ada', accessToken: 'a3' })));
    assert.deepEqual(refresh.replaced, [], 'a save without a refresh token replaces none');
    const fresh = await replaced.capture(() =>
      wrapped.saveToken(new OAuthToken({ userSignature: 'grace', refreshToken: 'g1', accessToken: 'g' })),
    );
    assert.deepEqual(fresh.replaced, [], 'a first sign-in replaces nothing');
    await wrapped.saveToken(new OAuthToken({ userSignature: 'grace', refreshToken: 'g2', accessToken: 'g' }));
    assert.equal(
      (await store.getTokens()).find((token) => token.userName === 'grace')?.refreshToken,
      'g2',
      'outside capture: saved, not reported',
    );
    const [a, b] = await Promise.all([
      replaced.capture(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await wrapped.saveToken(new OAuthToken({ userSignature: 'ada', refreshToken: 'r3', accessToken: 'x' }));
      }),
      replaced.capture(() => wrapped.saveToken(new OAuthToken({ userSignature: 'grace', refreshToken: 'g3', accessToken: 'y' }))),
    ]);
    assert.deepEqual(
      a.replaced.map((token) => token.refreshToken),
      ['r2'],
      'concurrent captures each see their own',
    );
    assert.deepEqual(
      b.replaced.map((token) => token.refreshToken),
      ['g2'],
    );
  });
});

describe('the public URL and devices', () => {
  test('an http(s) origin with no path', () => {
    assert.equal(publicOriginOf('https://portal.school.example/'), 'https://portal.school.example');
    for (const bad of ['ftp://x', 'https://x/portal', 'https://x/?a', 'https://u:p@x', 'not a url'])
      assert.throws(() => publicOriginOf(bad), /public URL/, bad);
  });

  test('a device is named from fixed words, never from the raw User-Agent', () => {
    assert.equal(
      describeDevice('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36'),
      'Chrome on Android',
    );
    assert.equal(
      describeDevice(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
      'Safari on iOS',
    );
    assert.equal(describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0'), 'Firefox on Windows');
    assert.equal(
      describeDevice('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36'),
      'Chrome on Linux',
    );
    assert.equal(describeDevice('<script>alert(1)</script>'), 'A browser');
    assert.equal(describeDevice(undefined), 'A browser');
  });
});
