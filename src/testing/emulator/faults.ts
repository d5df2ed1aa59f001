import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';

/** Switches that make the emulator fail the way the real server sometimes does. */
export interface EmulatorFaults {
  /** The next `count` token/revoke requests answer HTTP `status` (default 500) with an HTML error page. */
  failNext(count: number, status?: number): void;
  /** Every response waits `ms` of real time first (0 = off). */
  delay(ms: number): void;
  /** The next `count` requests (any path) have their socket destroyed without a response. */
  dropNext(count: number): void;
  /** Token responses use `"expires_in_sec":3600` with `expires_in` in milliseconds, as older servers did. */
  legacyExpiresFormat(on: boolean): void;
  /** The next `count` token requests answer the "Access Denied" throttle body. */
  throttleNext(count: number): void;
  /** The next `count` token requests answer `{"error":"invalid_code"}`. */
  invalidCodeNext(count: number): void;
  /** Turns every switch off. */
  clear(): void;
}

function count(method: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `faults.${method} takes a whole number ≥ 0.`);
  }
  return value;
}

/** Takes one from a one-shot counter: true while it lasts. */
class Countdown {
  #left = 0;
  set(n: number): void {
    this.#left = n;
  }
  take(): boolean {
    if (this.#left <= 0) return false;
    this.#left -= 1;
    return true;
  }
}

export class FaultSwitches implements EmulatorFaults {
  readonly #fail = new Countdown();
  readonly #drop = new Countdown();
  readonly #throttle = new Countdown();
  readonly #invalidCode = new Countdown();
  #failStatus = 500;
  #delayMs = 0;
  #legacy = false;

  failNext = (n: number, status = 500): void => {
    if (!Number.isSafeInteger(status) || status < 400 || status > 599) {
      throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, 'faults.failNext status must be an HTTP error status (400–599).');
    }
    this.#fail.set(count('failNext', n));
    this.#failStatus = status;
  };

  delay = (ms: number): void => {
    this.#delayMs = count('delay', ms);
  };

  dropNext = (n: number): void => this.#drop.set(count('dropNext', n));
  legacyExpiresFormat = (on: boolean): void => {
    this.#legacy = on === true;
  };
  throttleNext = (n: number): void => this.#throttle.set(count('throttleNext', n));
  invalidCodeNext = (n: number): void => this.#invalidCode.set(count('invalidCodeNext', n));

  clear = (): void => {
    this.#fail.set(0);
    this.#drop.set(0);
    this.#throttle.set(0);
    this.#invalidCode.set(0);
    this.#delayMs = 0;
    this.#legacy = false;
  };

  get delayMs(): number {
    return this.#delayMs;
  }

  get legacy(): boolean {
    return this.#legacy;
  }

  takeDrop(): boolean {
    return this.#drop.take();
  }

  /** The status to fail this request with, or null. */
  takeFailure(): number | null {
    return this.#fail.take() ? this.#failStatus : null;
  }

  takeThrottle(): boolean {
    return this.#throttle.take();
  }

  takeInvalidCode(): boolean {
    return this.#invalidCode.take();
  }
}
