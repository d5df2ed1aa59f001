// DRIVER_MISSING names the npm package to install, never a module path: `npm install mysql2/promise` would be read
// by npm as a GitHub repository.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from 'zoho-token-store';
import { loadOptional } from 'zoho-token-store/kernel';

test('a missing module names its package: the part before a subpath, the scope included', async () => {
  for (const [specifier, name] of [
    ['zts-missing-driver', 'zts-missing-driver'],
    ['zts-missing-driver/promise', 'zts-missing-driver'],
    ['@zts-missing/driver/lib/promise', '@zts-missing/driver'],
  ] as const) {
    await assert.rejects(loadOptional(specifier, 'The test store'), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.DRIVER_MISSING);
      assert.equal(error.message, `The test store needs the package "${name}", which is not installed: run npm install ${name}`);
      return true;
    });
  }
});
