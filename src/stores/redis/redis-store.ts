import { BackendTokenStore } from '../../contract/backend-token-store.js';
import { encryptedBackend, storeEncryptionConfig } from '../../encryption/encrypting-backend.js';
import { RedisBackend } from './redis-backend.js';
import { resolveRedisOptions, type RedisStoreOptions } from './redis-options.js';

/**
 * Tokens in Redis, shared by every process and host that uses the same server and key prefix: one round trip
 * per lookup, saves serialised across processes and applied atomically, and a refresh lock that covers the
 * cluster. The driver, ioredis, is an optional peer dependency loaded on first use (unless you pass a client).
 *
 * ```ts
 * const store = new RedisStore({ url: 'redis://127.0.0.1:6379' });           // the store opens and closes it
 * const shared = new RedisStore({ client: existingIoRedisClient, keyPrefix: 'crm:tokens:' }); // yours to close
 * ```
 */
export class RedisStore extends BackendTokenStore {
  constructor(options: RedisStoreOptions = {}) {
    const config = resolveRedisOptions(options);
    const encryption = storeEncryptionConfig(options.encryption, 'RedisStore');
    super(encryptedBackend(new RedisBackend(config), encryption), 'Redis store');
  }
}
