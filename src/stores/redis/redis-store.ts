import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { storeParts } from '../../kernel/store-parts.js';
import { RedisBackend } from './redis-backend.js';
import { REDIS_STORE, type RedisStoreOptions } from './redis-options.js';

/**
 * Tokens in Redis, shared by every process and host that uses the same server and key prefix: one round trip
 * per lookup, saves serialised across processes and applied atomically, and a refresh lock that covers the
 * cluster. The driver, ioredis, is an optional peer dependency loaded on first use (unless you pass a client).
 *
 * ```ts
 * const store = await RedisStore.open({ url: 'redis://127.0.0.1:6379', prefix: 'crm:tokens:' }); // the store opens and closes it
 * const shared = await RedisStore.open({ client: existingIoRedisClient, prefix: 'crm:tokens:' }); // yours to close
 * ```
 */
export class RedisStore extends BackendTokenStore {
  /** Validates the options (INVALID_CONFIG); the driver is loaded and the server reached by the first call. */
  constructor(options: RedisStoreOptions = {}) {
    const { backend, label } = storeParts(REDIS_STORE, options, (config) => new RedisBackend(config));
    super(backend, label);
  }

  /**
   * A store that has loaded its driver (DRIVER_MISSING) and reached the server once (STORE_UNAVAILABLE within the
   * connect timeout, STORE_ACCESS_DENIED for refused credentials), so a wrong setting fails here and not later.
   */
  static async open(options: RedisStoreOptions = {}): Promise<RedisStore> {
    return new RedisStore(options).opened();
  }
}
