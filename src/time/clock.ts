/** Where the lifecycle reads the time. Tests pass the accounts emulator's clock so expiry follows the emulated time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });
