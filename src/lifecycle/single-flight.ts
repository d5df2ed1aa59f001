/**
 * Shares one run of async work between every caller that asks for the same key while it is in flight: 100
 * callers needing the same token's refresh await one request. The key is forgotten as soon as the work settles,
 * so a later caller starts afresh (and, in the manager, first checks the cache the finished run filled).
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key);
    if (running) return running;
    const started = (async () => {
      try {
        return await work();
      } finally {
        this.#inFlight.delete(key);
      }
    })();
    this.#inFlight.set(key, started);
    return started;
  }

  /** Whether a run is in flight under `key`: a caller asking now joins it. */
  has(key: string): boolean {
    return this.#inFlight.has(key);
  }

  /** Waits for the run in flight under `key`, if any, whatever its outcome. */
  async wait(key: string): Promise<void> {
    await this.#inFlight.get(key)?.catch(() => undefined);
  }

  /** Runs in flight now. */
  get size(): number {
    return this.#inFlight.size;
  }
}
