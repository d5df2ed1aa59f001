import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): the verifier stays with the app; the challenge goes to the authorize URL. */
export interface PkcePair {
  /** 43 characters of base64url (32 random bytes): send it as `codeVerifier` with the code exchange. Never log it. */
  readonly verifier: string;
  /** BASE64URL(SHA-256(verifier)): pass it to `authorizationUrl({ codeChallenge })`. */
  readonly challenge: string;
  /** Always `S256` (`authorizationUrl` sends `code_challenge_method=S256`); `plain` protects nothing. */
  readonly method: 'S256';
}

/** The S256 challenge of a verifier: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), RFC 7636 §4.2. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * A fresh PKCE verifier and its S256 challenge, for one authorization: keep the verifier (on the server, or in
 * the process that receives the redirect) and use it once, for the exchange of the code that authorization returns.
 */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return Object.freeze({ verifier, challenge: s256Challenge(verifier), method: 'S256' });
}
