import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 S256: the verifier stays on the server; only its SHA-256 challenge goes to Zoho with the browser. */
export function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The `state` of one sign-in: unguessable, single use, bound to the browser that started it. */
export const newState = (): string => randomBytes(16).toString('base64url');
