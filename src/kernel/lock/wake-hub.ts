import type { LockWatch, WakeOutcome } from './wake-channel.js';

/**
 * The watches of one listening connection (Redis pub/sub, PostgreSQL LISTEN): the engine subscribes once for the
 * whole store and hands every released lock's name to `deliver`, which wakes that name's watches. `live` is the
 * engine's word that wakes arrive now; a watch of a hub that is not live answers its waits at once, as unable.
 */
export class WakeHub {
  readonly #watchers = new Map<string, Set<Watcher>>();
  #live = false;

  get live(): boolean {
    return this.#live;
  }

  /** The listening connection is (or is no longer) subscribed. Going down wakes every waiter, so they poll. */
  setLive(live: boolean): void {
    this.#live = live;
    if (!live) for (const set of this.#watchers.values()) for (const watcher of set) watcher.wake();
  }

  /** A release of `name` was announced. */
  deliver(name: string): void {
    const set = this.#watchers.get(name);
    if (set) for (const watcher of set) watcher.wake();
  }

  /** Something changed that may be any lock's release (one signal for a whole store). */
  deliverAll(): void {
    for (const set of this.#watchers.values()) for (const watcher of set) watcher.wake();
  }

  watch(name: string): LockWatch {
    const watcher = new Watcher(this, () => {
      const set = this.#watchers.get(name);
      set?.delete(watcher);
      if (set?.size === 0) this.#watchers.delete(name);
    });
    let set = this.#watchers.get(name);
    if (!set) this.#watchers.set(name, (set = new Set()));
    set.add(watcher);
    return watcher;
  }
}

class Watcher implements LockWatch {
  readonly #hub: WakeHub;
  readonly #leave: () => void;
  #woken = false;
  #resolve: ((outcome: WakeOutcome) => void) | null = null;

  constructor(hub: WakeHub, leave: () => void) {
    this.#hub = hub;
    this.#leave = leave;
  }

  wake(): void {
    this.#woken = true;
    this.#resolve?.('woken');
  }

  wait(ms: number, signal: AbortSignal): Promise<WakeOutcome> {
    signal.throwIfAborted();
    if (this.#woken || !this.#hub.live) {
      const outcome = this.#woken && this.#hub.live ? 'woken' : 'unable';
      this.#woken = false;
      return Promise.resolve(outcome);
    }
    return new Promise<WakeOutcome>((resolve, reject) => {
      const finish = (outcome: WakeOutcome): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#resolve = null;
        this.#woken = false;
        // The hub going down wakes its waiters: they were not released, they are to poll.
        resolve(outcome === 'woken' && !this.#hub.live ? 'unable' : outcome);
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        this.#resolve = null;
        reject(signal.reason);
      };
      // Not unref()ed: a caller awaits this wait, and it is bounded.
      const timer = setTimeout(() => finish('timeout'), Math.max(1, ms));
      signal.addEventListener('abort', onAbort, { once: true });
      this.#resolve = finish;
    });
  }

  close(): void {
    this.#resolve?.('timeout');
    this.#leave();
  }
}
