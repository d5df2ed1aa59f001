import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compareIds } from 'zoho-token-store/kernel';

it('orders decimal ids numerically, before other ids in code-unit order', () => {
  const ids = ['b', '10', '2', 'a', '1', '100000000000000000000', '9', '007', 'A'];
  assert.deepEqual([...ids].sort(compareIds), ['1', '2', '007', '9', '10', '100000000000000000000', 'A', 'a', 'b']);
});
