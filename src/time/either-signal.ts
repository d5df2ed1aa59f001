/** A signal that aborts when either of two does, with that one's reason, and a way to drop its listeners. */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Removes the listeners this link added to the two sources (call it when the operation ends). */
  unlink(): void;
}

/**
 * Links two signals, either of them optional. Written out rather than `AbortSignal.any`: a link made per
 * operation from a long-lived source (a store's closing signal) must let go of its listeners when the operation
 * ends, and `AbortSignal.any` keeps no handle to do so.
 */
export function eitherSignal(a: AbortSignal | undefined, b: AbortSignal | undefined): LinkedSignal {
  if (a === undefined || b === undefined) {
    const only = a ?? b ?? new AbortController().signal;
    return { signal: only, unlink: () => undefined };
  }
  const controller = new AbortController();
  const fromA = (): void => controller.abort(a.reason);
  const fromB = (): void => controller.abort(b.reason);
  if (a.aborted) fromA();
  else if (b.aborted) fromB();
  a.addEventListener('abort', fromA, { once: true });
  b.addEventListener('abort', fromB, { once: true });
  return {
    signal: controller.signal,
    unlink: () => {
      a.removeEventListener('abort', fromA);
      b.removeEventListener('abort', fromB);
    },
  };
}
