// The cluster slot rule the store uses to find the master that took a write (for WAIT), against slots a Redis
// server answered to CLUSTER KEYSLOT, hash-tag edge cases of the cluster specification included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keySlot } from '../../src/stores/redis/redis-key-slot.js';

test('keySlot gives the slot Redis gives (CLUSTER KEYSLOT), hash tags included', () => {
  const answered: ReadonlyArray<readonly [string, number]> = [
    ['123456789', 12_739],
    ['foo', 12_182],
    ['{user1000}.following', 3_443],
    ['foo{bar}{zap}', 5_061], // the first tag only
    ['foo{{bar}}zap', 4_015], // "{bar"
    ['foo{}{bar}', 8_363], // an empty first tag: the whole key
    ['{}', 15_257],
    ['é{ü}', 9_552], // UTF-8 bytes
  ];
  for (const [key, slot] of answered) assert.equal(keySlot(key), slot, key);
  assert.equal(keySlot('{zts:a}ids'), keySlot('{zts:a}id:42'), "a store's keys share its tag's slot");
});
