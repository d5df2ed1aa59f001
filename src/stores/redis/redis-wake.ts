import type { Redis } from 'ioredis';
import type { LockWakeChannel, LockWatch } from '../../kernel/lock/wake-channel.js';
import { WakeHub } from '../../kernel/lock/wake-hub.js';
import { RedisScript } from './redis-scripts.js';

/** The pub/sub channel a release announces its lock key on: one for every store, the key names the lock. */
export const RELEASE_CHANNEL = 'zts:lock-released';

/**
 * Compare-and-delete that announces the release: the owner's release deletes the lock and publishes its key, in one
 * round trip (PUBLISH names no key, so this runs on a cluster too). KEYS: lock. ARGV: owner, channel.
 */
export const RELEASE_AND_ANNOUNCE = new RedisScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], KEYS[1])
  return 1
end
return 0`,
  false,
);

/**
 * The Redis refresh lock's wake channel: a subscriber connection (a duplicate of the store's client, opened on the
 * first wait, never for a lock taken at once) SUBSCRIBEd to `zts:lock-released`; a message wakes the waiters of the
 * lock it names. While the subscriber is not subscribed (connecting, reconnecting) waiters poll.
 */
export class RedisWakeChannel implements LockWakeChannel {
  readonly #hub = new WakeHub();
  readonly #client: () => Promise<Redis>;
  #subscriber: Redis | null = null;
  #starting: Promise<void> | null = null;
  #closed = false;

  /** `client`: the store's client (opened if it is not), whose options the subscriber copies. */
  constructor(client: () => Promise<Redis>) {
    this.#client = client;
  }

  async watch(name: string): Promise<LockWatch | null> {
    if (this.#closed) return null;
    if (this.#subscriber === null && this.#starting === null) this.#starting = this.#subscribe().finally(() => (this.#starting = null));
    return this.#hub.watch(name);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#starting;
    this.#hub.setLive(false);
    this.#subscriber?.disconnect();
    this.#subscriber = null;
  }

  async #subscribe(): Promise<void> {
    let client: Redis;
    try {
      client = await this.#client();
    } catch {
      return; // unreachable now: the next wait tries again
    }
    if (this.#closed) return;
    // Resubscribed by hand on every 'ready', so `live` is true only while the subscription stands.
    const subscriber = client.duplicate({ autoResubscribe: false, lazyConnect: false, enableOfflineQueue: true });
    this.#subscriber = subscriber;
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === RELEASE_CHANNEL) this.#hub.deliver(key);
    });
    // The subscriber reconnects on its own; meanwhile it hears nothing.
    subscriber.on('error', () => undefined);
    subscriber.on('close', () => this.#hub.setLive(false));
    subscriber.on('ready', () => {
      subscriber.subscribe(RELEASE_CHANNEL).then(
        () => this.#hub.setLive(!this.#closed),
        () => this.#hub.setLive(false),
      );
    });
  }
}
