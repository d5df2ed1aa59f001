import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryWakeChannel } from './directory-wake.js';
import type { LockWakeChannel, LockWatch } from './wake-channel.js';

const SIGNAL = 'released';

/**
 * A wake channel for an engine that has none of its own (DynamoDB): a release on this host rewrites a signal file
 * in a folder of the temporary directory named after the locks' place (a digest of `place`, e.g. the table and
 * where it is), and waiters on this host watch that folder. Waiters on other hosts hear nothing and poll
 * (`reach: 'host'`). The lock never depends on it: a lost signal costs a poll step, a stray one a try.
 */
export class HostWakeChannel implements LockWakeChannel {
  readonly reach = 'host' as const;
  readonly #folder: string;
  readonly #directory: DirectoryWakeChannel;
  #ready: Promise<boolean> | null = null;

  constructor(place: string) {
    // Per user: another account's folder could not be written by this one.
    const owner = process.getuid?.() ?? 'user';
    const digest = createHash('sha256').update(place).digest('hex').slice(0, 32);
    this.#folder = join(tmpdir(), `zoho-token-store-${owner}`, digest);
    this.#directory = new DirectoryWakeChannel(this.#folder, (changed) => (changed === SIGNAL ? 'all' : null));
  }

  async watch(name: string): Promise<LockWatch | null> {
    return (await this.#prepare()) ? this.#directory.watch(name) : null;
  }

  /** Tells this host's waiters that a lock was released; a failure only leaves them to their poll. */
  async announce(): Promise<void> {
    if (!(await this.#prepare())) return;
    await writeFile(join(this.#folder, SIGNAL), '1', { mode: 0o600 }).catch(() => undefined);
  }

  close(): Promise<void> {
    return this.#directory.close();
  }

  #prepare(): Promise<boolean> {
    this.#ready ??= mkdir(this.#folder, { recursive: true, mode: 0o700 }).then(
      () => true,
      () => false,
    );
    return this.#ready;
  }
}
