/** A store broke a rule of the contract. The message starts with the rule's id, e.g. `[save.no-duplicates]`. */
export class ConformanceViolation extends Error {
  override readonly name = 'ConformanceViolation';
  readonly rule: string;

  constructor(rule: string, message: string, options: { cause?: unknown } = {}) {
    super(`[${rule}] ${message}`, options);
    this.rule = rule;
  }
}

/** Throws a violation of `rule` unless `condition` holds. */
export function ensure(rule: string, condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceViolation(rule, message);
}

/** Runs a store call that the contract says must succeed; a failure is reported as a violation of `rule`. */
export async function mustSucceed<T>(rule: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}${'code' in error ? ` ${String(error.code)}` : ''}` : typeof error;
    throw new ConformanceViolation(rule, `${what} failed (${detail}) where the contract says it succeeds.`, { cause: error });
  }
}

/** Runs a store call that the contract says must reject with `code`; resolving or another error is a violation. */
export async function mustReject(rule: string, what: string, code: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    const actual = (error as { code?: unknown } | null)?.code;
    ensure(rule, actual === code, `${what} must reject with code ${code}; it rejected with code ${String(actual)}.`);
    return;
  }
  throw new ConformanceViolation(rule, `${what} must reject with code ${code}; it resolved.`);
}

/** Runs a store call that the contract says must reject, with whatever error; resolving is a violation. */
export async function mustFail(rule: string, what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch {
    return;
  }
  throw new ConformanceViolation(rule, `${what} must reject; it resolved.`);
}
