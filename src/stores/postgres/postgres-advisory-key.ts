import { createHash } from 'node:crypto';

/**
 * A PostgreSQL advisory-lock key (a signed 64-bit integer, as a decimal string) for a name. Advisory locks are
 * keyed by numbers only, so names are hashed; the first 8 bytes of SHA-256 make an accidental collision between
 * two names (which would only make them wait for each other) vanishingly rare.
 */
export function advisoryKey(...parts: readonly string[]): string {
  const digest = createHash('sha256')
    .update(['zoho-token-store', ...parts].join('\0'))
    .digest();
  return BigInt.asIntN(64, digest.readBigUInt64BE(0)).toString();
}
