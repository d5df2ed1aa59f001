import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import type { EncryptionConfig } from './encryption-options.js';

/** The subkeys derived from one master key: one for AES-256-GCM, one for the HMAC that makes lookup nonces. */
export interface DerivedKey {
  readonly id: string;
  readonly encryption: KeyObject;
  readonly mac: KeyObject;
}

const derive = (master: Buffer, purpose: string): KeyObject =>
  createSecretKey(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `zoho-token-store zts1 ${purpose}`, 32)));

/**
 * The keys a store may decrypt with, each derived once (HKDF-SHA256) into its two subkeys; `current` encrypts new
 * writes. The master keys are not kept.
 */
export class KeyRing {
  readonly current: DerivedKey;
  /** Every key but the current one, in the order given. */
  readonly older: readonly DerivedKey[];
  readonly #byId = new Map<string, DerivedKey>();

  constructor(config: EncryptionConfig) {
    for (const [id, master] of config.keys) {
      this.#byId.set(id, { id, encryption: derive(master, 'encryption'), mac: derive(master, 'lookup-nonce') });
    }
    this.current = this.#byId.get(config.currentKeyId) as DerivedKey;
    this.older = [...this.#byId.values()].filter((key) => key !== this.current);
  }

  get(id: string): DerivedKey | undefined {
    return this.#byId.get(id);
  }
}
