import { performance } from 'node:perf_hooks';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';

/** The emulator's notion of time: grant codes, access tokens and limit windows expire by it. */
export interface EmulatorClock {
  /** Emulated epoch milliseconds. */
  now(): number;
  /** Moves the clock forward by `ms` (never backward). */
  advance(ms: number): void;
  /** Sets the clock to an epoch time (may move it backward). */
  set(epochMs: number): void;
}

/**
 * A clock that runs with real time from `startTime` and can be moved by a test. Running (not frozen) so that an
 * emulator left open for offline development expires tokens the way Zoho does; a test moves it by minutes, so the
 * milliseconds of real time a test takes never matter.
 */
export class RunningClock implements EmulatorClock {
  readonly #realStart = performance.now();
  #offset: number;

  constructor(startTime: number) {
    this.#offset = startTime;
  }

  now(): number {
    return Math.floor(this.#offset + (performance.now() - this.#realStart));
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, 'clock.advance(ms) takes a finite number of milliseconds ≥ 0.');
    this.#offset += ms;
  }

  set(epochMs: number): void {
    if (!Number.isFinite(epochMs))
      throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, 'clock.set(epochMs) takes a finite epoch time in milliseconds.');
    this.#offset += epochMs - this.now();
  }
}
