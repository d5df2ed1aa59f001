import { createHash, randomBytes } from 'node:crypto';

/** A PKCE verifier (kept) and its S256 challenge (sent with the authorize request), RFC 7636. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An unguessable `state`, checked on the redirect so a forged callback is refused. */
export const newState = (): string => randomBytes(16).toString('base64url');
