/**
 * Counts events in a window that opens with the first event and lasts `windowMs`; once `limit` events are in it,
 * nothing more is allowed until it ends. This is how Zoho words its limits ("10 in 10 minutes, then blocked for the
 * rest of the window"), rather than a sliding log.
 */
export class FixedWindow {
  #openedAt: number | null = null;
  #count = 0;

  /** Records an event at `now` and returns true, or returns false (and records nothing) when the window is full. */
  tryTake(now: number, limit: number, windowMs: number): boolean {
    if (this.#openedAt === null || now >= this.#openedAt + windowMs || now < this.#openedAt) {
      this.#openedAt = now;
      this.#count = 0;
    }
    if (this.#count >= limit) return false;
    this.#count += 1;
    return true;
  }
}
