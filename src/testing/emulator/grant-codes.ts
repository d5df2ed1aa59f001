import type { DataCenterCode } from '../../accounts/data-centers.js';
import type { EmulatorClock } from './emulator-clock.js';
import { FixedWindow } from './fixed-window.js';
import { newTokenValue } from './identifiers.js';
import type { EmulatorLimits } from './limits.js';
import type { PkceChallenge } from './pkce-verification.js';

export interface GrantCodeInit {
  readonly clientId: string;
  readonly userId: string;
  /** The user's data center: only its accounts server exchanges the code. */
  readonly dataCenter: DataCenterCode;
  readonly scope: readonly string[];
  readonly ttlMs: number;
  /** The redirect URI the exchange must repeat; null for a self-client code (the exchange omits it). */
  readonly redirectUri: string | null;
  /** Decided at consent: `access_type=offline`, and a first consent or `prompt=consent`. */
  readonly grantsRefreshToken: boolean;
  readonly pkce: PkceChallenge | null;
}

export interface GrantCode extends GrantCodeInit {
  readonly value: string;
  readonly expiresAt: number;
  /** Issued beyond the client's grant-code limit: its exchange answers `access_denied`. */
  readonly overLimit: boolean;
}

/** Outstanding grant codes: single use, expiring by the emulated clock, counted per client per window. */
export class GrantCodeBook {
  readonly #codes = new Map<string, GrantCode>();
  readonly #windows = new Map<string, FixedWindow>();
  readonly #clock: EmulatorClock;
  readonly #limits: Readonly<EmulatorLimits>;

  constructor(clock: EmulatorClock, limits: Readonly<EmulatorLimits>) {
    this.#clock = clock;
    this.#limits = limits;
  }

  issue(init: GrantCodeInit): string {
    const now = this.#clock.now();
    this.#dropExpired(now);
    let window = this.#windows.get(init.clientId);
    if (!window) this.#windows.set(init.clientId, (window = new FixedWindow()));
    const overLimit = !window.tryTake(now, this.#limits.grantCodesPerClientWindow, this.#limits.grantCodeWindowMs);
    const code: GrantCode = Object.freeze({
      ...init,
      scope: Object.freeze([...init.scope]),
      value: newTokenValue(),
      expiresAt: now + init.ttlMs,
      overLimit,
    });
    this.#codes.set(code.value, code);
    return code.value;
  }

  /** The live code with that value, or null when it is unknown, used or expired. */
  find(value: string): GrantCode | null {
    const code = this.#codes.get(value);
    if (!code) return null;
    if (this.#clock.now() >= code.expiresAt) {
      this.#codes.delete(value);
      return null;
    }
    return code;
  }

  /** Uses the code up: every later exchange of it answers `invalid_code`. */
  consume(value: string): void {
    this.#codes.delete(value);
  }

  #dropExpired(now: number): void {
    for (const [value, code] of this.#codes) if (now >= code.expiresAt) this.#codes.delete(value);
  }
}
