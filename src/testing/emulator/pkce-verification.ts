import { createHash, timingSafeEqual } from 'node:crypto';

export type PkceMethod = 'S256' | 'plain';

export interface PkceChallenge {
  readonly method: PkceMethod;
  readonly challenge: string;
}

export function isPkceMethod(value: string): value is PkceMethod {
  return value === 'S256' || value === 'plain';
}

/** RFC 7636: S256 compares BASE64URL(SHA256(verifier)) with the challenge; plain compares them as they are. */
export function verifierMatches(pkce: PkceChallenge, verifier: string | undefined): boolean {
  if (verifier === undefined || verifier === '') return false;
  const derived = pkce.method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  const a = Buffer.from(derived);
  const b = Buffer.from(pkce.challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
