// The student portal (examples/portal) in a real browser, against the emulator, as students and as an attacker
// would use it: two students at once, a refresh behind their backs, a second sign-in (the old refresh token revoked
// at Zoho), server-side sessions (listed, ended, dead after sign-out), sign-out that says what it revoked, forged
// and same-site posts refused, Zoho's grant-code limit and outage shown as such, 250 records in pages, a phone
// screen, malformed requests, and no secret or user name in any page, cookie or log line.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Cookie, Page } from 'playwright-core';
import type { OAuthToken } from 'zoho-token-store';
import type { EmulatorUser } from 'zoho-token-store/testing';
import { startDemo, type Demo } from '../../examples/portal/demo.js';
import { MAX_PENDING_SIGN_INS } from '../../examples/portal/pending-sign-ins.js';
import { LeakCheck } from '../hygiene/_leak-check.js';
import { rawHttp } from '../_raw-http.js';
import { launchChromium } from './_browser.js';
import { assertNoHorizontalScroll, refreshWorks, signIn as signInAt } from './_portal.js';

const ARTIFACTS = join('artifacts', 'portal');
const HOUR = 3_600_000;
const SESSION_COOKIE = 'portal_session';
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let demo: Demo;
let browser: Browser;
let dir: string;
const logs: string[] = [];
const seen = new LeakCheck(); // pages, headers, cookies
const logged = new LeakCheck(); // log lines, where not even a grant code may appear

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'portal-'));
  demo = await startDemo({ port: 0, storeLocation: join(dir, 'zohooauth.db'), log: (line) => logs.push(line) });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A browser context whose portal responses (bodies and headers) go to the leak check. */
async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(60_000);
  context.on('response', (response) => {
    if (!response.url().startsWith(demo.portal.url)) return;
    seen.text(`headers of ${new URL(response.url()).pathname}`, JSON.stringify(response.headers()));
    void response.text().then(
      (body) => seen.text(`page ${new URL(response.url()).pathname}`, body),
      () => undefined,
    );
  });
  return context;
}

async function signIn(
  page: Page,
  student: EmulatorUser,
  options: { start?: () => Promise<unknown>; landing?: string } = {},
): Promise<string> {
  const callback = await signInAt(page, demo.portal.url, student, options);
  logged.secret(new URL(callback).searchParams.get('code'));
  return callback;
}

/** A new browser with `student` signed in, on their records page. */
async function signedInBrowser(
  student: EmulatorUser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(options);
  const page = await context.newPage();
  await signIn(page, student);
  return { context, page };
}

/** Moves the emulator's clock (which the portal reads too) past a whole grant-code window: a fresh 10 codes. */
const freshGrantWindow = () => demo.emulator.clock.advance(demo.emulator.limits.grantCodeWindowMs + 1_000);

const names = (page: Page): Promise<string[]> => page.locator('tbody tr td:first-child').allTextContents();

async function storedTokens(): Promise<OAuthToken[]> {
  const tokens = await demo.store.getTokens();
  for (const token of tokens) for (const check of [seen, logged]) check.secret(token.accessToken, token.refreshToken, token.clientSecret);
  return tokens;
}

async function tokenOf(student: EmulatorUser): Promise<OAuthToken | undefined> {
  return (await storedTokens()).find((token) => token.userName === student.email);
}

const sessionCookie = async (context: BrowserContext): Promise<Cookie | undefined> =>
  (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);

const status = async (page: Page, path: string): Promise<number | undefined> => (await page.goto(`${demo.portal.url}${path}`))?.status();

let ada: EmulatorUser;
let grace: EmulatorUser;
let adaContext: BrowserContext;
let graceContext: BrowserContext;
let adaPage: Page;
let gracePage: Page;

test('two students sign in at once, in two browser contexts: each sees only their own records', { timeout: 180_000 }, async () => {
  [ada, grace] = demo.students;
  [adaContext, graceContext] = await Promise.all([newContext(), newContext()]);
  [adaPage, gracePage] = await Promise.all([adaContext.newPage(), graceContext.newPage()]);

  await adaPage.goto(demo.portal.url);
  await adaPage.screenshot({ path: join(ARTIFACTS, 'home.png') });
  await adaPage.getByRole('link', { name: /Sign in/ }).click();
  await adaPage.waitForURL(/\/oauth\/v2\/auth/);
  await adaPage.screenshot({ path: join(ARTIFACTS, 'consent.png') });

  await Promise.all([signIn(adaPage, ada, { start: async () => undefined }), signIn(gracePage, grace)]);
  assert.deepEqual(await names(adaPage), ['Charles Babbage', 'Mary Somerville']);
  assert.deepEqual(await names(gracePage), ['Howard Aiken', 'Jean Sammet']);
  await adaPage.getByText(`Signed in as ${ada.email}`).waitFor();
  await adaPage.screenshot({ path: join(ARTIFACTS, 'records.png') });

  const tokens = await storedTokens();
  assert.deepEqual(tokens.map((token) => token.userName).sort(), [ada.email, grace.email]);
  assert.ok(
    tokens.every((token) => token.refreshToken && token.accessToken),
    'each student has a refresh and an access token',
  );
  assert.ok(
    tokens.find((token) => token.userName === grace.email)?.apiDomain === demo.emulator.apiDomain('eu'),
    "grace's token is her (EU) data center's",
  );

  for (const [context, student] of [
    [adaContext, ada],
    [graceContext, grace],
  ] as const) {
    const cookie = await sessionCookie(context);
    assert.ok(cookie, 'a session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/, 'the cookie is a random session id');
    assert.ok(
      !Buffer.from(cookie.value, 'base64url').toString('latin1').includes(student.email.slice(0, 5)),
      'the cookie does not hold the user name',
    );
  }
  assert.equal(demo.portal.stats().sessions, 2);
});

test("an hour passes on the emulator's clock: both pages still load, with exactly one refresh per student", {
  timeout: 180_000,
}, async () => {
  const before = new Map((await storedTokens()).map((token) => [token.userName, token]));
  demo.emulator.clock.advance(HOUR + 60_000);
  const pages = [adaPage, gracePage, await adaContext.newPage(), await graceContext.newPage()];
  const statuses = await Promise.all(pages.map(async (page) => (await page.goto(`${demo.portal.url}/records`))?.status()));
  assert.deepEqual(statuses, [200, 200, 200, 200]);
  assert.deepEqual(await names(pages[2] as Page), ['Charles Babbage', 'Mary Somerville']);
  assert.deepEqual(await names(pages[3] as Page), ['Howard Aiken', 'Jean Sammet']);
  for (const student of [ada, grace]) {
    const old = before.get(student.email) as OAuthToken;
    assert.equal(demo.emulator.stats.refreshRequests(old.refreshToken ?? ''), 1, `one refresh request for ${student.email}`);
    const now = (await tokenOf(student)) as OAuthToken;
    assert.notEqual(now.accessToken, old.accessToken, 'the new access token is in the store');
    assert.ok((now.expiresAt ?? 0) > (old.expiresAt ?? 0) + HOUR / 2);
    assert.equal(now.refreshToken, old.refreshToken);
  }
  await Promise.all(pages.slice(2).map((page) => page.close()));
});

test('signing in again revokes the previous refresh token at Zoho; the sessions page lists both browsers and ends one', {
  timeout: 180_000,
}, async () => {
  freshGrantWindow();
  const first = (await tokenOf(ada)) as OAuthToken;
  const revokes = demo.emulator.stats.revokes();
  const second = await signedInBrowser(ada);
  const renewed = (await tokenOf(ada)) as OAuthToken;
  assert.ok(renewed.refreshToken && renewed.refreshToken !== first.refreshToken, 'the new refresh token is stored, in the same row');
  assert.equal(renewed.id, first.id);
  assert.equal(demo.emulator.stats.revokes(), revokes + 1, 'one revoke request reached Zoho');
  assert.equal(await refreshWorks(demo.emulator, first), false, 'Zoho no longer takes the previous refresh token');
  assert.equal(await refreshWorks(demo.emulator, renewed), true, 'the new one works');
  assert.equal(await status(adaPage, '/records'), 200, 'the first browser goes on with the new token');
  assert.deepEqual(await names(adaPage), ['Charles Babbage', 'Mary Somerville']);

  await second.page.getByRole('link', { name: 'Sessions' }).click();
  await second.page.waitForURL(`${demo.portal.url}/sessions`);
  const rows = second.page.locator('tbody tr');
  assert.equal(await rows.count(), 2, 'two browsers signed in as Ada');
  await second.page.getByText('This browser').waitFor();
  await second.page.screenshot({ path: join(ARTIFACTS, 'sessions.png') });
  await second.page.getByRole('button', { name: 'End' }).click();
  await second.page.waitForURL(`${demo.portal.url}/sessions`);
  assert.equal(await rows.count(), 1, 'the other session ended');
  assert.equal(await status(adaPage, '/records'), 401, 'the ended session no longer opens the records page');
  await adaPage.getByRole('heading', { name: 'Please sign in' }).waitFor();

  await signIn(adaPage, ada, { start: () => adaPage.getByRole('link', { name: /Sign in/ }).click() });
  assert.equal(demo.emulator.stats.revokes(), revokes + 2, "the second browser's refresh token was revoked in turn");
  assert.equal(await status(second.page, '/records'), 200, 'sessions of the same student share the stored token');
  await second.context.close();
});

test('a refresh token revoked at Zoho: "sign in again", every session of that student ends, and signing in again works', {
  timeout: 180_000,
}, async () => {
  freshGrantWindow();
  const other = await signedInBrowser(ada);
  const revoked = ((await tokenOf(ada)) as OAuthToken).refreshToken as string;
  demo.emulator.revokeRefreshToken(revoked);
  assert.equal(await status(adaPage, '/records'), 401);
  await adaPage.getByRole('heading', { name: 'Please sign in again' }).waitFor();
  await adaPage.screenshot({ path: join(ARTIFACTS, 'sign-in-again.png') });
  assert.equal(await status(other.page, '/records'), 401, "the student's other session ended with the access");
  await other.page.getByRole('heading', { name: 'Please sign in' }).waitFor();
  await other.context.close();
  await signIn(adaPage, ada, { start: () => adaPage.getByRole('link', { name: /Sign in again/ }).click() });
  assert.deepEqual(await names(adaPage), ['Charles Babbage', 'Mary Somerville']);
  const renewed = (await tokenOf(ada)) as OAuthToken;
  assert.ok(renewed.refreshToken && renewed.refreshToken !== revoked, 'the new refresh token is stored');
});

test('sign-out revokes at Zoho, deletes the token and ends the session; an old cookie gets 401, also after signing in again', {
  timeout: 180_000,
}, async () => {
  freshGrantWindow();
  const token = (await tokenOf(grace)) as OAuthToken;
  const cookie = (await sessionCookie(graceContext)) as Cookie;
  const revokes = demo.emulator.stats.revokes();
  await gracePage.getByRole('button', { name: 'Sign out' }).click();
  await gracePage.getByRole('heading', { name: 'You are signed out' }).waitFor();
  await gracePage.getByText("Zoho has revoked the portal's access to your Zoho account").waitFor();
  await gracePage.screenshot({ path: join(ARTIFACTS, 'signed-out.png') });
  assert.equal(demo.emulator.stats.revokes(), revokes + 1, 'one revoke request reached Zoho');
  assert.equal(await tokenOf(grace), undefined, 'the token is deleted');
  assert.equal(await sessionCookie(graceContext), undefined, 'the session cookie is cleared');
  assert.equal(await refreshWorks(demo.emulator, token), false, 'Zoho no longer takes the refresh token');

  const replay = await newContext();
  await replay.addCookies([cookie]);
  const page = await replay.newPage();
  assert.equal(await status(page, '/records'), 401);
  await page.getByRole('heading', { name: 'Please sign in' }).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 0);

  // Grace signs in again: the old cookie still opens nothing, since sessions are ended on the server, not by name.
  await signIn(gracePage, grace, { start: () => gracePage.getByRole('link', { name: /Sign in/ }).click() });
  assert.equal(await status(gracePage, '/records'), 200);
  await replay.clearCookies();
  await replay.addCookies([cookie]);
  assert.equal(await status(page, '/records'), 401, 'the cookie of the ended session, after the same student signed in again');
  assert.equal(await page.locator('tbody tr').count(), 0);
  await replay.close();
});

test('a sign-out without a session says so and revokes nothing', { timeout: 180_000 }, async () => {
  await gracePage.goto(`${demo.portal.url}/records`);
  const saved = await graceContext.cookies();
  const revokes = demo.emulator.stats.revokes();
  const token = (await tokenOf(grace)) as OAuthToken;
  await graceContext.clearCookies(); // the session cookie is gone (cleared, or expired) while the page is still open
  await gracePage.getByRole('button', { name: 'Sign out' }).click();
  await gracePage.getByRole('heading', { name: 'You were not signed in' }).waitFor();
  await gracePage.getByText('so nothing was revoked').waitFor();
  await gracePage.screenshot({ path: join(ARTIFACTS, 'sign-out-without-session.png') });
  assert.equal(demo.emulator.stats.revokes(), revokes, 'no revoke request');
  assert.equal(((await tokenOf(grace)) as OAuthToken).refreshToken, token.refreshToken, 'the token is still stored');
  assert.equal(await refreshWorks(demo.emulator, token), true, 'and still works at Zoho');
  await graceContext.addCookies(saved);
  assert.equal(await status(gracePage, '/records'), 200, 'the session itself was not ended either');
});

test("a forged sign-out is refused: from a same-site page, and from the portal's page with a wrong CSRF token", {
  timeout: 180_000,
}, async () => {
  // A page on another port of 127.0.0.1: another site to the user, the same site to SameSite=Lax, so the cookie goes along.
  const sibling = await new Promise<Server>((resolve) => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(
        `<!DOCTYPE html><form method="post" action="${demo.portal.url}/sign-out"><input type="hidden" name="csrf" value="guessed"><button type="submit">Win a prize</button></form>`,
      );
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
  try {
    const revokes = demo.emulator.stats.revokes();
    const token = (await tokenOf(grace)) as OAuthToken;
    const page = await graceContext.newPage();
    await page.goto(`http://127.0.0.1:${(sibling.address() as AddressInfo).port}/`);
    const [response] = await Promise.all([
      page.waitForResponse(`${demo.portal.url}/sign-out`),
      page.getByRole('button', { name: 'Win a prize' }).click(),
    ]);
    assert.equal(response.status(), 403);
    assert.equal((await response.request().allHeaders()).cookie?.includes(SESSION_COOKIE), true, 'the browser did send the session cookie');
    await page.getByRole('heading', { name: 'Request refused' }).waitFor();

    // The portal's own page, its CSRF token changed: refused as well.
    await page.goto(`${demo.portal.url}/records`);
    await page.locator('header input[name="csrf"]').evaluate((input: { value: string }) => void (input.value = 'forged'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Request refused' }).waitFor();
    await page.getByText(`Signed in as ${grace.email}`).waitFor(); // the error page keeps the signed-in header

    assert.equal(demo.emulator.stats.revokes(), revokes, 'nothing was revoked');
    assert.equal(((await tokenOf(grace)) as OAuthToken).refreshToken, token.refreshToken, 'nothing was deleted');
    assert.equal(await status(page, '/records'), 200, 'the session goes on');
    await page.close();
  } finally {
    await new Promise((resolve) => sibling.close(resolve));
  }
});

test('a tampered cookie, a replayed callback code and a wrong state are refused with a clear page, and nothing is stored', {
  timeout: 180_000,
}, async () => {
  freshGrantWindow();
  const snapshot = async () =>
    JSON.stringify((await storedTokens()).map((token) => [token.userName, token.accessToken, token.refreshToken]));
  const stored = await snapshot();
  const cookie = (await sessionCookie(adaContext)) as Cookie;
  const flipped = `${cookie.value.slice(0, -1)}${cookie.value.endsWith('A') ? 'B' : 'A'}`;
  for (const value of [flipped, Buffer.from(ada.email).toString('base64url'), 'garbage']) {
    const context = await newContext();
    await context.addCookies([{ ...cookie, value }]);
    const page = await context.newPage();
    assert.equal(await status(page, '/records'), 401);
    await page.getByRole('heading', { name: 'Please sign in' }).waitFor();
    assert.equal(await page.locator('tbody tr').count(), 0);
    await context.close();
  }
  assert.equal(await snapshot(), stored, 'a refused cookie changes nothing stored');

  const context = await newContext();
  const page = await context.newPage();
  const callback = await signIn(page, ada);
  const afterSignIn = await snapshot();
  const exchanges = demo.emulator.stats.codeExchanges();
  // The same callback again: its state was used up.
  assert.equal((await page.goto(callback))?.status(), 400);
  await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
  await page.getByText('already used').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'sign-in-refused.png') });
  // The old code with the state of a fresh sign-in of this browser (sign out first: signed in, /sign-in goes to records).
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${demo.portal.url}/sign-in`);
  await page.waitForURL(/\/oauth\/v2\/auth/);
  const state = new URL(page.url()).searchParams.get('state') ?? '';
  const replayed = new URL(callback);
  replayed.searchParams.set('state', state);
  assert.equal((await page.goto(replayed.href))?.status(), 400);
  await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
  await page.getByText('already used').waitFor();
  assert.equal(demo.emulator.stats.codeExchanges(), exchanges + 1, 'only the fresh-state replay reached Zoho, which refused it');
  // A consent whose state was changed on the way: refused before any exchange.
  await page.goto(`${demo.portal.url}/sign-in`);
  await page.waitForURL(/\/oauth\/v2\/auth/);
  await page.locator('input[name="state"]').evaluate((input: { value: string }) => void (input.value = 'forged-state'));
  await page.check(`input[name="login_hint"][value="${grace.email}"]`);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
  // A sign-in started in this browser, finished in another (its cookie is not there).
  await page.goto(`${demo.portal.url}/sign-in`);
  await page.waitForURL(/\/oauth\/v2\/auth/);
  const elsewhere = await (await newContext()).newPage();
  await elsewhere.goto(page.url());
  await elsewhere.check(`input[name="login_hint"][value="${grace.email}"]`);
  await elsewhere.getByRole('button', { name: 'Accept' }).click();
  await elsewhere.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
  await elsewhere.getByText('started in another browser').waitFor();
  assert.equal(demo.emulator.stats.codeExchanges(), exchanges + 1, 'a wrong state, or another browser, is never exchanged');
  const tokensAfter = await snapshot();
  assert.equal(tokensAfter.includes(ada.email), false, 'Ada signed out in this browser');
  assert.equal(JSON.parse(tokensAfter).length, JSON.parse(afterSignIn).length - 1, 'nothing stored by a refused sign-in');
  await elsewhere.context().close();
  await context.close();
  // Ada's own browser signs in again for the tests below.
  await signIn(adaPage, ada, { start: () => adaPage.goto(demo.portal.url) });
});

test('two tabs of one browser start a sign-in each: both finish (no "not started in this browser")', { timeout: 180_000 }, async () => {
  freshGrantWindow();
  const context = await newContext();
  const [first, second] = [await context.newPage(), await context.newPage()];
  for (const page of [first, second]) {
    await page.goto(`${demo.portal.url}/sign-in`);
    await page.waitForURL(/\/oauth\/v2\/auth/);
  }
  await signIn(first, grace, { start: async () => undefined });
  await signIn(second, grace, { start: async () => undefined });
  assert.deepEqual(await names(first), ['Howard Aiken', 'Jean Sammet']);
  assert.deepEqual(await names(second), ['Howard Aiken', 'Jean Sammet']);
  assert.equal(await status(first, '/records'), 200, 'one browser, one cookie jar: the second sign-in replaced the first session');
  await first.goto(`${demo.portal.url}/sessions`);
  assert.equal(await first.getByText('This browser').count(), 1);
  await context.close();
});

test('250 records come in pages of 50, with the signed-in header on every page and on error pages (404, 400, 502)', {
  timeout: 180_000,
}, async () => {
  demo.emulator.addRecords(
    ada,
    'Contacts',
    Array.from({ length: 248 }, (_, i) => ({
      Full_Name: `Student ${String(i + 3).padStart(3, '0')}`,
      Email: `student${i + 3}@zylker.example`,
    })),
  );
  assert.equal(await status(adaPage, '/records'), 200);
  const all: string[] = [];
  for (let pageNumber = 1; pageNumber <= 5; pageNumber += 1) {
    const shown = await names(adaPage);
    assert.equal(shown.length, 50, `page ${pageNumber} has 50 records`);
    all.push(...shown);
    await adaPage.getByText(`Page ${pageNumber} · records ${(pageNumber - 1) * 50 + 1}–${pageNumber * 50}`).waitFor();
    await adaPage.getByText(`Signed in as ${ada.email}`).waitFor();
    assert.equal(await adaPage.getByRole('link', { name: 'Previous page' }).count(), pageNumber > 1 ? 1 : 0);
    if (pageNumber === 1) await adaPage.screenshot({ path: join(ARTIFACTS, 'records-page-1.png'), fullPage: true });
    if (pageNumber < 5) {
      await adaPage.getByRole('link', { name: 'Next page' }).click();
      await adaPage.waitForURL(`${demo.portal.url}/records?page=${pageNumber + 1}`);
    }
  }
  assert.equal(await adaPage.getByRole('link', { name: 'Next page' }).count(), 0, 'the last page has no next page');
  assert.equal(new Set(all).size, 250, 'every record once');
  assert.deepEqual(all.slice(0, 3), ['Charles Babbage', 'Mary Somerville', 'Student 003']);
  assert.equal(all[249], 'Student 250');

  for (const [path, code, heading] of [
    ['/records?page=6', 404, 'No such page'],
    ['/records?page=abc', 400, 'No such page'],
    ['/no-such-page', 404, 'Not found'],
  ] as const) {
    assert.equal(await status(adaPage, path), code, path);
    await adaPage.getByRole('heading', { name: heading }).waitFor();
    await adaPage.getByText(`Signed in as ${ada.email}`).waitFor();
    await adaPage.getByRole('link', { name: 'Back to your records' }).waitFor();
  }
  // Zoho's API not answering: a 502 page, still with the student's header.
  demo.emulator.faults.dropNext(20);
  try {
    assert.equal(await status(adaPage, '/records'), 502);
  } finally {
    demo.emulator.faults.clear();
  }
  await adaPage.getByRole('heading', { name: 'Zoho is not answering' }).waitFor();
  await adaPage.getByText(`Signed in as ${ada.email}`).waitFor();
  assert.equal(await status(adaPage, '/records'), 200, 'and the next try works');
});

test('on a phone-sized screen every page fits its width (no horizontal scrolling)', { timeout: 180_000 }, async () => {
  const phone = await newContext(PHONE);
  const page = await phone.newPage();
  await page.goto(demo.portal.url);
  await assertNoHorizontalScroll(page, 'home');
  await page.screenshot({ path: join(ARTIFACTS, 'phone-home.png') });
  await phone.addCookies((await adaContext.cookies()).filter((cookie) => cookie.name === SESSION_COOKIE));
  for (const [path, shot] of [
    ['/records', 'phone-records.png'],
    ['/records?page=5', null],
    ['/sessions', 'phone-sessions.png'],
    ['/records?page=9', 'phone-error.png'],
  ] as const) {
    await page.goto(`${demo.portal.url}${path}`);
    const { viewport } = await assertNoHorizontalScroll(page, path);
    assert.equal(viewport, 390);
    if (shot) await page.screenshot({ path: join(ARTIFACTS, shot) });
  }
  await page.goto(`${demo.portal.url}/records`);
  const box = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, "the header's sign-out button is on screen");
  await phone.close();

  const desktop = await newContext({ viewport: { width: 1280, height: 800 } });
  const wide = await desktop.newPage();
  await desktop.addCookies((await adaContext.cookies()).filter((cookie) => cookie.name === SESSION_COOKIE));
  await wide.goto(`${demo.portal.url}/records`);
  await assertNoHorizontalScroll(wide, 'records on a desktop');
  await desktop.close();
});

test("Zoho's grant-code limit: the 11th sign-in in 10 minutes shows the wait time; an exchange Zoho throttles too; an unreachable Zoho says so", {
  timeout: 300_000,
}, async () => {
  freshGrantWindow();
  const exchanges = demo.emulator.stats.codeExchanges();
  for (let i = 0; i < 10; i += 1) {
    const { context } = await signedInBrowser(i % 2 === 0 ? ada : grace);
    await context.close();
  }
  assert.equal(demo.emulator.stats.codeExchanges(), exchanges + 10);
  const pending = demo.portal.stats().pendingSignIns;
  const eleventh = await (await newContext()).newPage();
  await eleventh.goto(demo.portal.url);
  const [response] = await Promise.all([
    eleventh.waitForResponse(`${demo.portal.url}/sign-in`),
    eleventh.getByRole('link', { name: /Sign in/ }).click(),
  ]);
  assert.equal(response.status(), 429);
  const retryAfter = Number(response.headers()['retry-after']);
  assert.ok(retryAfter > 5 * 60 && retryAfter <= 600, `Retry-After ${retryAfter} s: the rest of the 10-minute window`);
  await eleventh.getByRole('heading', { name: 'Too many sign-ins' }).waitFor();
  await eleventh.getByText(new RegExp(`try again in ${Math.ceil(retryAfter / 60)} minutes`)).waitFor();
  await eleventh.screenshot({ path: join(ARTIFACTS, 'too-many-sign-ins.png') });
  assert.match(eleventh.url(), /\/sign-in$/, 'the student was not sent to Zoho');
  assert.equal(demo.emulator.stats.codeExchanges(), exchanges + 10, 'nothing reached Zoho');
  assert.equal(demo.portal.stats().pendingSignIns, pending, 'no sign-in was started');

  // A new window; another app of the same client takes its 10 codes, which the portal cannot see: Zoho refuses
  // the portal's exchange (access_denied, THROTTLED), and the student sees the wait, not "the code was already used".
  freshGrantWindow();
  for (let i = 0; i < 10; i += 1) demo.emulator.issueGrantCode({ client: demo.client, user: ada });
  await signIn(eleventh, grace, {
    start: () => eleventh.goto(`${demo.portal.url}/sign-in`),
    landing: `${demo.portal.url}/oauth/callback**`,
  });
  await eleventh.getByRole('heading', { name: 'Too many sign-ins' }).waitFor();
  await eleventh.getByText('try again in 10 minutes').waitFor();
  assert.equal(demo.emulator.stats.codeExchanges(), exchanges + 11, 'Zoho refused one exchange');
  const next = await eleventh.goto(`${demo.portal.url}/sign-in`);
  assert.equal(next?.status(), 429, 'and sign-ins wait until then, without going to Zoho');

  // Zoho cannot be reached (every try of the exchange fails): the page says so.
  freshGrantWindow();
  demo.emulator.faults.failNext(100, 503);
  try {
    await signIn(eleventh, grace, {
      start: () => eleventh.goto(`${demo.portal.url}/sign-in`),
      landing: `${demo.portal.url}/oauth/callback**`,
    });
    await eleventh.getByRole('heading', { name: 'Zoho is not answering' }).waitFor();
    await eleventh.getByText('could not be reached').waitFor();
    assert.equal(await eleventh.getByText('already used').count(), 0);
  } finally {
    demo.emulator.faults.clear();
  }
  await eleventh.context().close();
});

test('malformed requests get 400 (or 413, 431) and the portal goes on serving', { timeout: 180_000 }, async () => {
  const port = Number(new URL(demo.portal.url).port);
  const raw = (text: string) => rawHttp(port, text);
  assert.equal((await raw('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 400);
  assert.equal((await raw('GET /records?page=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 400);
  assert.equal((await raw('GET http://elsewhere.example/records HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 400);
  assert.equal((await raw('HELLO\r\n\r\n')).status, 400);
  assert.equal((await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).status, 431);
  const body = `csrf=${'a'.repeat(10_000)}`;
  assert.equal(
    (
      await raw(
        `POST /sign-out HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      )
    ).status,
    413,
  );
  assert.equal(
    (await raw('POST /sign-out HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi'))
      .status,
    415,
  );
  assert.equal((await raw('DELETE /records HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 405);
  assert.equal(await status(adaPage, '/records'), 200, 'still serving, sessions intact');
  assert.equal(await status(adaPage, '/'), 200 /* redirected to the records page */);
});

test('pending sign-ins are bounded: the oldest is dropped, and its student is told the sign-in expired', { timeout: 180_000 }, async () => {
  freshGrantWindow();
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(`${demo.portal.url}/sign-in`);
  await page.waitForURL(/\/oauth\/v2\/auth/);
  // Anyone can start sign-ins: a flood of them pushes this one out.
  const statuses = new Set<number>();
  for (let sent = 0; sent < MAX_PENDING_SIGN_INS; sent += 100) {
    const batch = Array.from({ length: 100 }, () =>
      fetch(`${demo.portal.url}/sign-in`, { redirect: 'manual' }).then((response) => response.status),
    );
    for (const code of await Promise.all(batch)) statuses.add(code);
  }
  assert.deepEqual([...statuses], [303]);
  assert.equal(demo.portal.stats().pendingSignIns, MAX_PENDING_SIGN_INS);
  await page.check(`input[name="login_hint"][value="${grace.email}"]`);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
  await page.getByText('has expired').waitFor();
  await signIn(page, grace, { start: () => page.getByRole('link', { name: /Sign in/ }).click() });
  await context.close();
});

test('the log: JSON lines with a time, no raw user name, path or query, and no secret in any page, header, cookie or log line', async () => {
  const hostile = '/%3Cscript%3Eada@zylker.example';
  await fetch(`${demo.portal.url}${hostile}?code=ada@zylker.example`);
  for (const context of [adaContext, graceContext]) seen.text('cookies', JSON.stringify(await context.cookies()));
  await storedTokens();
  logged.text('log', ...logs);
  seen.text('log', ...logs);
  seen.assertClean(3);
  logged.assertClean(4);
  const entries = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const entry of entries) {
    assert.ok(
      typeof entry.time === 'string' && !Number.isNaN(Date.parse(entry.time)) && entry.time.endsWith('Z'),
      'every line has an ISO time',
    );
    assert.equal(typeof entry.event, 'string');
  }
  for (const student of [ada, grace])
    assert.ok(!logs.some((line) => line.includes(student.email)), `${student.email} appears in no log line`);
  assert.ok(!logs.some((line) => /%3Cscript|<script/i.test(line)), 'no raw path in the log');
  const requests = entries.filter((entry) => entry.event === 'request');
  assert.ok(
    requests.some(
      (entry) =>
        entry.route === '/records' && entry.status === 200 && typeof entry.user === 'string' && /^u_[A-Za-z0-9_-]{16}$/.test(entry.user),
    ),
  );
  assert.ok(requests.some((entry) => entry.route === '(other)' && entry.status === 404));
  assert.ok(requests.some((entry) => entry.route === '(malformed)' && entry.status === 400));
  assert.ok(entries.some((entry) => entry.event === 'signed_in' && typeof entry.user === 'string'));
  assert.ok(entries.some((entry) => entry.event === 'previous_token_revoked' && entry.remote === true));
});
