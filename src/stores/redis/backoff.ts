/**
 * Delays for polling a lock held elsewhere: doubling from `firstMs` up to `maxMs`, each with up to half of it
 * added at random so that waiting processes do not retry in step.
 */
export class Backoff {
  readonly #maxMs: number;
  #nextMs: number;

  constructor(firstMs: number, maxMs: number) {
    this.#nextMs = firstMs;
    this.#maxMs = maxMs;
  }

  next(): number {
    const base = this.#nextMs;
    this.#nextMs = Math.min(base * 2, this.#maxMs);
    return base + Math.random() * base * 0.5;
  }
}
