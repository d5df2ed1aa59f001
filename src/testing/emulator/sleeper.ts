/** Real-time waits that `close()` cuts short, so a delayed response never keeps the process or a test alive. */
export class Sleeper {
  readonly #pending = new Map<NodeJS.Timeout, () => void>();

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.#pending.set(timer, resolve);
    });
  }

  close(): void {
    for (const [timer, resolve] of this.#pending) {
      clearTimeout(timer);
      resolve();
    }
    this.#pending.clear();
  }
}
