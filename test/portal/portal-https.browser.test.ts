// The portal behind a TLS proxy, as a school would run it (https://portal.school.test, the portal itself on plain
// http behind it): its cookies are `__Host-` and `Secure`, pages ask for HSTS, sign-in and sign-out work, and a
// sibling site on the same domain (sibling.school.test) cannot toss another student's session cookie in.
// The certificate is made for the test with openssl; Chromium maps *.school.test to 127.0.0.1.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Cookie } from 'playwright-core';
import { startDemo, type Demo } from '../../examples/portal/demo.js';
import { launchChromium } from './_browser.js';
import { signIn } from './_portal.js';

let dir: string;
let demo: Demo;
let browser: Browser;
let proxy: Server;
let sibling: Server;
let portalUrl: string;
let siblingUrl: string;
/** What the sibling site answers with: Set-Cookie headers the test chooses. */
let siblingCookies: string[] = [];

/** A self-signed certificate for the two test host names (openssl, which Debian and .ci/run have). */
function certificate(): { key: Buffer; cert: Buffer } {
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=portal.school.test',
        '-addext',
        'subjectAltName=DNS:portal.school.test,DNS:sibling.school.test',
      ],
      { stdio: 'pipe' },
    );
  } catch (error) {
    assert.fail(`This test makes a certificate with openssl: install it (apt-get install openssl). ${String(error)}`);
  }
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portal-https-'));
  const tls = certificate();
  let portalPort = 0;
  // The TLS proxy: https in front, the portal's plain http behind, headers passed as they are.
  proxy = createHttpsServer(tls, (request, response) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: portalPort, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.once('error', () => response.destroy());
    request.pipe(upstream);
  });
  sibling = createHttpsServer(tls, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html', 'set-cookie': siblingCookies });
    response.end('<!DOCTYPE html><p>Another app of the school</p>');
  });
  portalUrl = `https://portal.school.test:${await listen(proxy)}`;
  siblingUrl = `https://sibling.school.test:${await listen(sibling)}`;
  demo = await startDemo({ port: 0, publicUrl: portalUrl, storeLocation: join(dir, 'zohooauth.db'), log: () => undefined });
  portalPort = Number(new URL(demo.portal.url).port);
  browser = await launchChromium(['--host-resolver-rules=MAP *.school.test 127.0.0.1']);
});

after(async () => {
  await browser?.close();
  await demo?.close();
  for (const server of [proxy, sibling]) if (server?.listening) await new Promise((resolve) => server.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  context.setDefaultTimeout(60_000);
  return context;
}

const portalCookies = async (context: BrowserContext): Promise<Cookie[]> =>
  (await context.cookies(portalUrl)).filter((cookie) => cookie.name.includes('portal_'));

test('over https: __Host- cookies with Secure, HSTS, and a whole sign-in and sign-out', { timeout: 180_000 }, async () => {
  const [ada] = demo.students;
  const context = await newContext();
  const page = await context.newPage();
  const response = await page.goto(portalUrl);
  assert.equal(response?.headers()['strict-transport-security'], 'max-age=31536000');
  await signIn(page, portalUrl, ada);
  assert.deepEqual(await page.locator('tbody tr td:first-child').allTextContents(), ['Charles Babbage', 'Mary Somerville']);
  const cookies = await portalCookies(context);
  assert.deepEqual(cookies.map((cookie) => cookie.name).sort(), ['__Host-portal_session', '__Host-portal_sign_in']);
  for (const cookie of cookies) {
    assert.equal(cookie.secure, true, cookie.name);
    assert.equal(cookie.httpOnly, true, cookie.name);
    assert.equal(cookie.sameSite, 'Lax', cookie.name);
    assert.equal(cookie.path, '/', cookie.name);
    assert.equal(cookie.domain, 'portal.school.test', `${cookie.name} is host-only`);
  }
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
  assert.deepEqual(
    (await portalCookies(context)).map((cookie) => cookie.name),
    ['__Host-portal_sign_in'],
    'the session cookie is cleared',
  );
  await context.close();
});

test("a sibling site on the school's domain cannot toss another student's session cookie into a student's browser", {
  timeout: 180_000,
}, async () => {
  const [ada, grace] = demo.students;
  const graceContext = await newContext();
  await signIn(await graceContext.newPage(), portalUrl, grace);
  const graceSession = (await portalCookies(graceContext)).find((cookie) => cookie.name === '__Host-portal_session')?.value as string;
  assert.ok(graceSession);

  const context = await newContext();
  const page = await context.newPage();
  await signIn(page, portalUrl, ada);
  const adaSession = (await portalCookies(context)).find((cookie) => cookie.name === '__Host-portal_session')?.value;
  // The sibling tries every way to plant Grace's session for portal.school.test.
  siblingCookies = [
    `__Host-portal_session=${graceSession}; Domain=school.test; Path=/; Secure`, // refused: __Host- takes no Domain
    `portal_session=${graceSession}; Domain=school.test; Path=/; Secure`, // taken, but not a name the portal reads over https
    `__Host-portal_session=${graceSession}; Path=/; Secure`, // taken, for sibling.school.test only
  ];
  await page.goto(siblingUrl);
  await page.goto(`${portalUrl}/records`);
  assert.deepEqual(
    await page.locator('tbody tr td:first-child').allTextContents(),
    ['Charles Babbage', 'Mary Somerville'],
    "still Ada's records",
  );
  await page.getByText(`Signed in as ${ada.email}`).waitFor();
  const sent = (await portalCookies(context)).filter((cookie) => cookie.name === '__Host-portal_session');
  assert.deepEqual(
    sent.map((cookie) => cookie.value),
    [adaSession],
    'one session cookie for the portal: her own',
  );
  await Promise.all([context.close(), graceContext.close()]);
});
