import { randomBytes } from 'node:crypto';

/** An unguessable `state`, checked on the redirect so a forged callback is refused. */
export const newState = (): string => randomBytes(16).toString('base64url');
