// The student portal (examples/portal) in a real browser, against the emulator: two students at once, a refresh
// behind their backs, a revoked grant, sign-out, and forged sign-ins; no secret in any page, cookie or log line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core';
import type { OAuthToken } from 'zoho-token-store';
import type { EmulatorUser } from 'zoho-token-store/testing';
import { startDemo, type Demo } from '../../examples/portal/demo.js';
import { SESSION_COOKIE } from '../../examples/portal/session.js';
import { LeakCheck } from '../hygiene/_leak-check.js';
import { launchChromium } from './_browser.js';

const ARTIFACTS = join('artifacts', 'portal');
const HOUR = 3_600_000;

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
async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  context.setDefaultTimeout(60_000);
  context.on('response', (response) => {
    if (!response.url().startsWith(demo.portal.url)) return;
    seen.text(`headers of ${new URL(response.url()).pathname}`, JSON.stringify(response.headers()));
    void response.text().then((body) => seen.text(`page ${new URL(response.url()).pathname}`, body), () => undefined);
  });
  return context;
}

/** Signs in on the emulator's consent page as `student`; resolves with the callback URL the browser was sent to. */
async function signIn(page: Page, student: EmulatorUser, start = async () => {
  await page.goto(demo.portal.url);
}): Promise<string> {
  let callback = '';
  const watch = (request: { url(): string }) => {
    if (request.url().startsWith(`${demo.portal.url}/oauth/callback`)) callback = request.url();
  };
  page.on('request', watch);
  await start();
  if (!page.url().includes('/oauth/v2/auth')) await page.getByRole('link', { name: /Sign in/ }).click();
  await page.waitForURL(/\/oauth\/v2\/auth/);
  await page.check(`input[name="login_hint"][value="${student.email}"]`);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(`${demo.portal.url}/records`);
  page.off('request', watch);
  logged.secret(new URL(callback).searchParams.get('code'));
  return callback;
}

const names = (page: Page): Promise<string[]> => page.locator('tbody tr td:first-child').allTextContents();

async function storedTokens(): Promise<OAuthToken[]> {
  const tokens = await demo.store.getTokens();
  for (const token of tokens) for (const check of [seen, logged]) check.secret(token.accessToken, token.refreshToken, token.clientSecret);
  return tokens;
}

async function tokenOf(student: EmulatorUser): Promise<OAuthToken | undefined> {
  return (await storedTokens()).find((token) => token.userName === student.email);
}

const sessionCookie = async (context: BrowserContext): Promise<Cookie | undefined> => (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);

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

  await Promise.all([signIn(adaPage, ada, async () => undefined), signIn(gracePage, grace)]);
  assert.deepEqual(await names(adaPage), ['Charles Babbage', 'Mary Somerville']);
  assert.deepEqual(await names(gracePage), ['Howard Aiken', 'Jean Sammet']);
  await adaPage.screenshot({ path: join(ARTIFACTS, 'records.png') });

  const tokens = await storedTokens();
  assert.deepEqual(tokens.map((token) => token.userName).sort(), [ada.email, grace.email]);
  assert.ok(tokens.every((token) => token.refreshToken && token.accessToken), 'each student has a refresh and an access token');
  assert.ok(tokens.find((token) => token.userName === grace.email)?.apiDomain === demo.emulator.apiDomain('eu'), "grace's token is her (EU) data center's");

  for (const [context, student] of [[adaContext, ada], [graceContext, grace]] as const) {
    const cookie = await sessionCookie(context);
    assert.ok(cookie, 'a session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(Buffer.from(cookie.value.split('.')[0] ?? '', 'base64url').toString(), student.email, 'the cookie holds the user name');
  }
});

test("an hour passes on the emulator's clock: both pages still load, with exactly one refresh per student", { timeout: 180_000 }, async () => {
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

test('a refresh token revoked at Zoho: the next page says "sign in again", and signing in again works', { timeout: 180_000 }, async () => {
  const revoked = ((await tokenOf(ada)) as OAuthToken).refreshToken as string;
  demo.emulator.revokeRefreshToken(revoked);
  const response = await adaPage.goto(`${demo.portal.url}/records`);
  assert.equal(response?.status(), 401);
  await adaPage.getByRole('heading', { name: 'Please sign in again' }).waitFor();
  await adaPage.screenshot({ path: join(ARTIFACTS, 'sign-in-again.png') });
  await signIn(adaPage, ada, async () => void (await adaPage.getByRole('link', { name: /Sign in again/ }).click()));
  assert.deepEqual(await names(adaPage), ['Charles Babbage', 'Mary Somerville']);
  const renewed = (await tokenOf(ada)) as OAuthToken;
  assert.ok(renewed.refreshToken && renewed.refreshToken !== revoked, 'the new refresh token is stored');
});

test('sign-out revokes at Zoho and deletes the token; the old cookie alone no longer opens the records page', { timeout: 180_000 }, async () => {
  const token = (await tokenOf(grace)) as OAuthToken;
  const cookie = (await sessionCookie(graceContext)) as Cookie;
  const revokes = demo.emulator.stats.revokes();
  await gracePage.getByRole('button', { name: 'Sign out' }).click();
  await gracePage.waitForURL(`${demo.portal.url}/?signed-out`);
  await gracePage.getByText('You are signed out').waitFor();
  await gracePage.screenshot({ path: join(ARTIFACTS, 'signed-out.png') });
  assert.equal(demo.emulator.stats.revokes(), revokes + 1, 'one revoke request reached Zoho');
  assert.equal(await tokenOf(grace), undefined, 'the token is deleted');
  assert.equal(await sessionCookie(graceContext), undefined, 'the session cookie is cleared');
  const refresh = await fetch(`${demo.emulator.accountsUrl('eu')}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token.refreshToken ?? '', client_id: token.clientId ?? '', client_secret: token.clientSecret ?? '' }),
  });
  assert.equal(((await refresh.json()) as { error?: string }).error, 'invalid_code', 'Zoho no longer accepts the refresh token');

  const replay = await newContext();
  await replay.addCookies([cookie]);
  const page = await replay.newPage();
  const response = await page.goto(`${demo.portal.url}/records`);
  assert.equal(response?.status(), 401);
  await page.getByRole('heading', { name: 'Please sign in' }).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 0);
  await replay.close();
});

test('a tampered cookie, a replayed callback code and a wrong state are refused with a clear page, and nothing is stored', { timeout: 180_000 }, async () => {
  const snapshot = async () => JSON.stringify((await storedTokens()).map((token) => [token.userName, token.accessToken, token.refreshToken]));
  const stored = await snapshot();
  const cookie = (await sessionCookie(adaContext)) as Cookie;
  const [, issued, mac] = cookie.value.split('.');
  const forgedUser = `${Buffer.from(grace.email).toString('base64url')}.${issued}.${mac}`;
  const flippedMac = `${cookie.value.slice(0, -1)}${cookie.value.endsWith('A') ? 'B' : 'A'}`;
  for (const value of [forgedUser, flippedMac, 'garbage']) {
    const context = await newContext();
    await context.addCookies([{ ...cookie, value }]);
    const page = await context.newPage();
    assert.equal((await page.goto(`${demo.portal.url}/records`))?.status(), 401);
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
  await page.screenshot({ path: join(ARTIFACTS, 'sign-in-refused.png') });
  // The old code with the state of a fresh sign-in of this browser: Zoho refuses the used code.
  await page.goto(`${demo.portal.url}/sign-in`);
  await page.waitForURL(/\/oauth\/v2\/auth/);
  const state = new URL(page.url()).searchParams.get('state') ?? '';
  const replayed = new URL(callback);
  replayed.searchParams.set('state', state);
  assert.equal((await page.goto(replayed.href))?.status(), 400);
  await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
  assert.equal(demo.emulator.stats.codeExchanges(), exchanges + 1, 'only the fresh-state replay reached Zoho, which refused it');
  // A consent whose state was changed on the way: refused before any exchange.
  await page.goto(`${demo.portal.url}/sign-in`);
  await page.waitForURL(/\/oauth\/v2\/auth/);
  await page.locator('input[name="state"]').evaluate((input: { value: string }) => void (input.value = 'forged-state'));
  await page.check(`input[name="login_hint"][value="${grace.email}"]`);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
  assert.equal(demo.emulator.stats.codeExchanges(), exchanges + 1, 'a wrong state is never exchanged');
  assert.equal(await snapshot(), afterSignIn, 'nothing stored by a refused sign-in');
  assert.equal(await tokenOf(grace), undefined);
  await context.close();
});

test('no secret in any page, header, cookie or log line', async () => {
  for (const context of [adaContext, graceContext]) seen.text('cookies', JSON.stringify(await context.cookies()));
  await storedTokens();
  logged.text('log', ...logs);
  seen.text('log', ...logs);
  seen.assertClean(3);
  logged.assertClean(4);
  assert.ok(logs.some((line) => line.startsWith('GET /records 200')), 'the log has request lines');
});
