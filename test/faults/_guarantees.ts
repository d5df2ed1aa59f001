// What every fault test checks, whatever the fault: the stored row compared before and after, the error's type
// and code, and a manager that recovers without being rebuilt.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';
import { isTokenStoreError, type OAuthToken, type TokenStore } from 'zoho-token-store';
import type { TokenRecord } from 'zoho-token-store/kernel';

/** A token as stored, id included: the row to compare before and after a fault. */
export async function storedRow(store: TokenStore, id: string): Promise<TokenRecord | null> {
  return (await store.findTokenById(id))?.toRecord(id) ?? null;
}

/** Every stored row, by id. */
export async function allRows(store: TokenStore): Promise<Map<string, TokenRecord>> {
  const rows = new Map<string, TokenRecord>();
  for (const token of await store.getTokens()) rows.set(String(token.id), token.toRecord(String(token.id)));
  return rows;
}

/** Awaits a call that must fail with this library's typed error of `code`; returns the error. */
export async function failsWith(call: Promise<unknown>, code: string): Promise<Error & { code: string; retryAfterMs?: number | null }> {
  try {
    await call;
  } catch (error) {
    assert.ok(isTokenStoreError(error), `expected a typed error with ${code}, got ${inspect(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${inspect(error)}`);
    return error as Error & { code: string };
  }
  assert.fail(`expected a rejection with ${code}`);
}

/**
 * The recovery check: calls `call` until it succeeds, for at most `ms` (a server store's client reconnects in the
 * background). Every failure meanwhile must be the typed `transient` code: anything else is a defect.
 */
export async function recovers<T>(call: () => Promise<T>, transient: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      assert.equal((error as { code?: string }).code, transient, `while recovering, failures must be ${transient}: ${inspect(error)}`);
      if (Date.now() > deadline) throw error;
      await delay(100);
    }
  }
}

/** The guarantee for a failed renewal: the row is exactly what it was (nothing deleted, nothing overwritten). */
export function assertUnchanged(after: TokenRecord | null, before: TokenRecord | null, what: string): void {
  assert.ok(before !== null, 'the row existed before the fault');
  assert.deepEqual(after, before, `${what}: the stored token must be exactly as before the fault`);
}

/** The guarantee for a successful renewal: the new access token stored, the refresh token kept. */
export function assertRenewed(after: TokenRecord | null, before: TokenRecord | null, served: string): void {
  assert.ok(after && before);
  assert.equal(after.accessToken, served, 'the access token served is the one stored');
  assert.notEqual(after.accessToken, before.accessToken);
  assert.equal(after.refreshToken, before.refreshToken, 'the refresh token is never replaced or emptied');
  assert.ok(after.refreshToken, 'the refresh token is still stored');
}

export type { OAuthToken };
