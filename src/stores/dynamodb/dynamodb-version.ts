import { randomBytes } from 'node:crypto';

// 72 random bits per process, then a counter: no two writes, in this process or any other, make the same version,
// so a token deleted and saved again under its old id never matches a version read before.
const PROCESS_NONCE = randomBytes(9).toString('base64url');
let counter = 0;

/** A version no write of any process has used: every write of a token item sets a new one. */
export function nextVersion(): string {
  counter += 1;
  return PROCESS_NONCE + counter.toString(36);
}
