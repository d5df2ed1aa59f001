// What the portal's browser tests share: a student's sign-in on the emulator's consent page, the page-width check,
// and asking the emulator whether a refresh token still works.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { OAuthToken } from 'zoho-token-store';
import type { AccountsEmulator, EmulatorUser } from 'zoho-token-store/testing';

/**
 * Signs in on the emulator's consent page as `student`, from wherever `start` leaves the page (default: the portal's
 * home page, then "Sign in"). Resolves with the callback URL the browser was sent to, once it is on `landing`.
 */
export async function signIn(
  page: Page,
  portalUrl: string,
  student: EmulatorUser,
  options: { start?: () => Promise<unknown>; landing?: string } = {},
): Promise<string> {
  let callback = '';
  const watch = (request: { url(): string }) => {
    if (request.url().startsWith(`${portalUrl}/oauth/callback`)) callback = request.url();
  };
  page.on('request', watch);
  try {
    await (options.start ?? (() => page.goto(portalUrl)))();
    if (!page.url().includes('/oauth/v2/auth'))
      await page
        .getByRole('link', { name: /Sign in/ })
        .first()
        .click();
    await page.waitForURL(/\/oauth\/v2\/auth/);
    await page.check(`input[name="login_hint"][value="${student.email}"]`);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL(options.landing ?? `${portalUrl}/records`);
  } finally {
    page.off('request', watch);
  }
  return callback;
}

/** The page's layout width against the viewport's: a page that fits has no horizontal scrolling. */
export async function assertNoHorizontalScroll(page: Page, what: string): Promise<{ width: number; viewport: number }> {
  const { width, viewport } = await page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document
      .documentElement;
    return { width: root.scrollWidth, viewport: root.clientWidth };
  });
  assert.ok(width <= viewport, `${what}: the page is ${width}px wide in a ${viewport}px viewport (horizontal scrolling)`);
  return { width, viewport };
}

/** Whether the emulator still takes a refresh token (a refresh request; `invalid_code` means revoked or unknown). */
export async function refreshWorks(emulator: AccountsEmulator, token: OAuthToken, refreshToken = token.refreshToken): Promise<boolean> {
  const dataCenter = emulator.dataCenters.find((dc) => emulator.apiDomain(dc) === token.apiDomain) ?? 'us';
  const response = await fetch(`${emulator.accountsUrl(dataCenter)}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken ?? '',
      client_id: token.clientId ?? '',
      client_secret: token.clientSecret ?? '',
    }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (body.error !== undefined && body.error !== 'invalid_code') throw new Error(`unexpected refresh answer ${body.error}`);
  return typeof body.access_token === 'string';
}
