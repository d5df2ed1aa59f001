// Collects everything a user could see (log lines, event payloads, errors with their causes, console output,
// inspected objects) and checks that no secret value appears in any of it.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

const DEEP = { depth: Infinity, showHidden: true, getters: true } as const;

/** Every way an error gets printed: message, stack, util.inspect (deep, hidden fields too), JSON, for it and each cause. */
export function renderError(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    texts.push(String(current), inspect(current, DEEP));
    if (current instanceof Error) texts.push(current.message, String(current.stack));
    try {
      texts.push(JSON.stringify(current) ?? '');
    } catch {
      // circular: inspect above already shows it
    }
    current = (current as { cause?: unknown }).cause;
  }
  return texts;
}

export class LeakCheck {
  readonly #texts: Array<{ origin: string; text: string }> = [];
  readonly #secrets = new Set<string>();

  secret(...values: ReadonlyArray<string | null | undefined>): void {
    for (const value of values) if (value) this.#secrets.add(value);
  }

  text(origin: string, ...texts: string[]): void {
    for (const text of texts) this.#texts.push({ origin, text });
  }

  error(origin: string, error: unknown): void {
    this.text(origin, ...renderError(error));
  }

  /** util.inspect (deep, hidden fields and getters included) and JSON of any object: a store, a manager, a token. */
  object(origin: string, value: unknown): void {
    this.text(origin, inspect(value, DEEP), JSON.stringify(value) ?? '', String(value));
  }

  /** Captures console output (a driver printing on its own) while `run` runs. */
  async console<T>(run: () => Promise<T>): Promise<T> {
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const saved = methods.map((name) => console[name]);
    for (const name of methods)
      console[name] = (...args: unknown[]) => this.text(`console.${name}`, args.map((arg) => inspect(arg, DEEP)).join(' '));
    try {
      return await run();
    } finally {
      methods.forEach((name, i) => {
        console[name] = saved[i] as (typeof console)[typeof name];
      });
    }
  }

  get size(): number {
    return this.#texts.length;
  }

  assertClean(minimumSecrets = 1): void {
    const secrets = [...this.#secrets].filter((secret) => secret.length >= 8);
    assert.ok(secrets.length >= minimumSecrets, `the check needs secrets to look for (${secrets.length})`);
    assert.ok(this.#texts.length > 0, 'the check needs captured text');
    for (const { origin, text } of this.#texts) {
      for (const secret of secrets) {
        if (text.includes(secret))
          assert.fail(`a secret value leaked into ${origin}: ${text.replaceAll(secret, '<SECRET>').slice(0, 600)}`);
      }
    }
  }
}
