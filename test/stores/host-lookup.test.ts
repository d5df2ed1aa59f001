// The words for a failed host name lookup: ENOTFOUND (no such name) and EAI_AGAIN (the resolver failed for now)
// each get their own; other errors get none. The real ENOTFOUND of every server store is in store-open-refusals.
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { test } from 'node:test';
import { hostLookupFailure } from '../../src/kernel/open/unknown-host.js';

test('ENOTFOUND from a real lookup: the host named, "check the host name"', async () => {
  const error = await lookup('nonexistent.invalid').then(
    () => assert.fail('resolved'),
    (failure: unknown) => failure,
  );
  assert.match(String(hostLookupFailure(error)), /^the host "nonexistent\.invalid" was not found \(ENOTFOUND\): check the host name\./);
});

test('EAI_AGAIN: a lookup that failed for now, to retry; anything else: no special words', () => {
  const again = Object.assign(new Error('getaddrinfo EAI_AGAIN db.internal'), { code: 'EAI_AGAIN', hostname: 'db.internal' });
  assert.match(String(hostLookupFailure(again)), /^the DNS lookup of the host "db\.internal" failed for now \(EAI_AGAIN\): retry/);
  assert.equal(hostLookupFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), null);
  assert.equal(hostLookupFailure(null), null);
});
