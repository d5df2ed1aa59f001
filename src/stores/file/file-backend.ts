import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { LookupField } from '../../contract/matching-rule.js';
import type { MaybePromise, TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { removeStrayTempFiles, writeFileAtomic } from './file-atomic-write.js';
import { fileError } from './file-errors.js';
import { checkStoreFilePath } from '../../kernel/open/check-file-path.js';
import { DirectoryWakeChannel } from '../../kernel/lock/directory-wake.js';
import { EngineLock } from '../../kernel/lock/engine-lock.js';
import { BUSY } from '../../kernel/lock/lock-engine.js';
import { pollFor, Poller } from '../../kernel/lock/poller.js';
import { loadLockLibrary } from './file-driver.js';
import { FILE_LOCK_POLL, FileLockEngine, tryFileLock, type FileLockLease } from './file-lock.js';
import { racyWindowMs, sameSignature, signatureOf, type FileSignature } from './file-signature.js';
import { DEFAULT_FILE_NAME, type FileStoreConfig } from './file-options.js';
import { TokenDraft } from './file-draft.js';
import { DEFAULT_HEADER, formatTokenFile, parseTokenFile } from './file-format.js';
import { TokenSnapshot } from './file-snapshot.js';

interface PendingWrite {
  readonly work: (draft: TokenDraft) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** One version of the file: its tokens, and what it looked like on disk when read (null: there was no file). */
interface Version {
  readonly snapshot: TokenSnapshot;
  readonly signature: FileSignature | null;
  /** Until when a same-signature file may still hide an in-place rewrite (0: never; see racyWindowMs). */
  readonly recheckAt: number;
}

/** The most writes one read-modify-write of the file takes. */
const MAX_BATCH = 256;

/** How many times a batch is run again when the file changed under it before it gives up checking. */
const MAX_ATTEMPTS = 5;

const snapshotOf = (version: Version): TokenSnapshot => version.snapshot;

const EMPTY: Version = { snapshot: new TokenSnapshot([], DEFAULT_HEADER), signature: null, recheckAt: 0 };

/**
 * The token file as a `TokenBackend`. Lookups are served from an in-memory snapshot with hash indexes, checked
 * against the file with one `stat` per call and re-read only when the file changed. Writes are batched: every
 * write queued while the lock is being taken goes into the same read-modify-write, under the cross-process lock,
 * and the file is replaced atomically (temp file, fsync, rename, fsync of the directory).
 */
export class FileBackend implements TokenBackend {
  readonly refreshLockScope = 'host' as const;
  readonly #config: FileStoreConfig;
  #version: Version = EMPTY;
  #loading: Promise<Version> | null = null;
  #pending: PendingWrite[] = [];
  #flushing: Promise<void> | null = null;
  #swept = false;
  readonly #refreshLock: EngineLock;

  constructor(config: FileStoreConfig) {
    this.#config = config;
    // A lock directory is `<path>.refresh-<id>.lock`: its removal in the folder wakes that lock's waiters.
    const file = basename(config.path);
    const wake = new DirectoryWakeChannel(dirname(config.path), (changed) =>
      changed.startsWith(`${file}.refresh-`) && changed.endsWith('.lock') ? `${config.path}${changed.slice(file.length)}` : null,
    );
    this.#refreshLock = new EngineLock(new FileLockEngine(wake), {
      scope: 'host',
      queueLocally: false,
      poll: FILE_LOCK_POLL,
      nameOf: (key) => this.#refreshLockPath(key),
    });
  }

  /**
   * What `FileStore.open` checks before handing the store out: the lock package is installed (DRIVER_MISSING),
   * the path can name a token file (INVALID_CONFIG), and the file, when it exists, is readable and well formed.
   */
  async open(): Promise<void> {
    await loadLockLibrary();
    checkStoreFilePath('FileStore', this.#config.path, DEFAULT_FILE_NAME);
    await this.list();
  }

  findBy(field: LookupField, value: string): MaybePromise<TokenRecord | null> {
    const snapshot = this.#current();
    if (snapshot instanceof TokenSnapshot) return snapshot.findBy(field, value);
    return snapshot.then((loaded) => loaded.findBy(field, value));
  }

  list(): MaybePromise<readonly TokenRecord[]> {
    const snapshot = this.#current();
    if (snapshot instanceof TokenSnapshot) return snapshot.records;
    return snapshot.then((loaded) => loaded.records);
  }

  deleteById(id: string): Promise<void> {
    return this.#enqueue(async (draft) => draft.delete(id));
  }

  deleteAll(): Promise<void> {
    return this.#enqueue(async (draft) => draft.clear());
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#enqueue(work);
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#refreshLock.acquireRefreshLock(key, options).catch((error: unknown) => {
      if (error instanceof TokenStoreError || error === options.signal?.reason) throw error;
      throw this.#ioError('lock', error);
    });
  }

  async close(): Promise<void> {
    await this.#flushing;
    await this.#refreshLock.close();
  }

  /** The snapshot of the file as it is now: the cached one when one `stat` says it is unchanged. */
  #current(): TokenSnapshot | Promise<TokenSnapshot> {
    if (this.#loading) return this.#loading.then(snapshotOf);
    let now: ReturnType<typeof statSync>;
    try {
      now = statSync(this.#config.path, { throwIfNoEntry: false });
    } catch (error) {
      return Promise.reject(this.#ioError('read', error));
    }
    const version = this.#version;
    if (now === undefined) {
      if (version.signature === null) return version.snapshot;
      this.#version = EMPTY;
      return EMPTY.snapshot;
    }
    if (sameSignature(version.signature, now) && (version.recheckAt === 0 || Date.now() < version.recheckAt)) {
      return version.snapshot;
    }
    return this.#reload().then(snapshotOf);
  }

  #reload(): Promise<Version> {
    this.#loading ??= this.#read().then(
      (version) => {
        this.#loading = null;
        this.#version = version;
        return version;
      },
      (error: unknown) => {
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }

  /** Reads the file through one handle, so the content and the signature belong to the same version. */
  async #read(): Promise<Version> {
    const readAt = Date.now();
    let handle: FileHandle;
    try {
      handle = await open(this.#config.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
      throw this.#ioError('read', error);
    }
    try {
      const signature = signatureOf(await handle.stat());
      const bytes = await handle.readFile();
      const content = parseTokenFile(bytes, this.#config.path);
      const racyUntil = signature.mtimeMs + racyWindowMs(signature);
      return {
        snapshot: new TokenSnapshot(content.records, content.header),
        signature,
        recheckAt: racyUntil > readAt ? racyUntil : 0,
      };
    } catch (error) {
      throw error instanceof TokenStoreError ? error : this.#ioError('read', error);
    } finally {
      await handle.close();
    }
  }

  #enqueue<T>(work: (draft: TokenDraft) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = null;
      });
    });
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      let lease: FileLockLease | null;
      try {
        lease = await this.#writeLock();
        if (lease === null) throw this.#lockTimeout();
      } catch (error) {
        for (const write of this.#pending.splice(0)) write.reject(error);
        continue;
      }
      // Everything queued while the lock was being taken goes into this one read-modify-write (up to a bound, as
      // each write in a batch looks through the batch's earlier changes).
      const batch = this.#pending.splice(0, MAX_BATCH);
      try {
        await this.#commit(batch, lease);
      } catch (error) {
        // #commit settles every write itself; this only covers the unexpected (settling twice is a no-op).
        for (const write of batch) write.reject(error);
      } finally {
        await lease.release().catch(() => undefined);
      }
    }
  }

  async #commit(batch: readonly PendingWrite[], lease: FileLockLease): Promise<void> {
    if (!this.#swept) {
      this.#swept = true;
      await this.#target()
        .then(removeStrayTempFiles)
        .catch(() => 0);
    }
    for (let attempt = 1; ; attempt += 1) {
      let version: Version;
      try {
        version = await this.#latest();
      } catch (error) {
        for (const write of batch) write.reject(error);
        return;
      }
      const base = version.snapshot;
      const draft = new TokenDraft(base);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      for (const write of batch) {
        const mark = draft.mark();
        try {
          outcomes.push({ ok: true, value: await write.work(draft) });
        } catch (error) {
          draft.restore(mark);
          outcomes.push({ ok: false, error });
        }
      }
      if (draft.changed) {
        try {
          // Belt and braces for the lock: if the file changed since it was read (a writer that takes no lock, such
          // as the official SDK, or a stale-lock takeover race), run the batch again on the new content.
          if (attempt < MAX_ATTEMPTS && !(await this.#unchangedSince(version.signature))) continue;
          await this.#writeFile(new TokenSnapshot(draft.records(), base.header, draft.maxId), lease);
        } catch (error) {
          for (const write of batch) write.reject(error);
          return;
        }
      }
      batch.forEach((write, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) write.resolve(outcome.value);
        else write.reject(outcome?.error);
      });
      return;
    }
  }

  async #unchangedSince(read: FileSignature | null): Promise<boolean> {
    try {
      return sameSignature(read, await stat(this.#config.path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return read === null;
      throw this.#ioError('read', error);
    }
  }

  /** Under the write lock: the file as it is now, re-read only when its signature changed. */
  async #latest(): Promise<Version> {
    if (this.#loading) await this.#loading.catch(() => undefined);
    let now: Stats;
    try {
      now = await stat(this.#config.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw this.#ioError('read', error);
      this.#version = EMPTY;
      return EMPTY;
    }
    // A version this store wrote itself (recheckAt 0) is trusted by signature: its inode is new and ours.
    const known = this.#version;
    if (sameSignature(known.signature, now) && known.recheckAt === 0) return known;
    return this.#reload();
  }

  async #writeFile(snapshot: TokenSnapshot, lease: FileLockLease): Promise<void> {
    const text = formatTokenFile(snapshot.header, snapshot.records);
    if (lease.compromised) {
      throw new TokenStoreError(
        ErrorCode.STORE_UNAVAILABLE,
        `The write lock of ${this.#config.path} was taken over while this process held it (it stalled longer than lockStaleMs); nothing was written. Retry.`,
      );
    }
    try {
      await writeFileAtomic(await this.#target(), text, { fsync: this.#config.fsync, mode: this.#config.mode });
      const written = await stat(this.#config.path);
      this.#version = { snapshot, signature: signatureOf(written), recheckAt: 0 };
    } catch (error) {
      throw this.#ioError('write', error);
    }
  }

  // A symlinked token file stays a symlink: the new file replaces the file it points to.
  async #target(): Promise<string> {
    try {
      return await realpath(this.#config.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.#config.path;
      throw error;
    }
  }

  /** The file's write lock, waited for up to lockWaitMs (null: still held). */
  #writeLock(): Promise<FileLockLease | null> {
    const poller = new Poller({ waitMs: this.#config.lockWaitMs, ...FILE_LOCK_POLL });
    return pollFor(poller, async () => (await tryFileLock(this.#config.lockPath, this.#config.lockStaleMs)) ?? BUSY).catch(
      (error: unknown) => {
        throw error instanceof TokenStoreError ? error : this.#ioError('lock', error);
      },
    );
  }

  // Token ids are usually decimal; any other id is hashed so that it cannot reach outside the directory.
  #refreshLockPath(key: string): string {
    const name = /^[A-Za-z0-9_-]{1,64}$/.test(key) ? key : `h${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
    return `${this.#config.path}.refresh-${name}.lock`;
  }

  #lockTimeout(): TokenStoreError {
    return new TokenStoreError(
      ErrorCode.STORE_UNAVAILABLE,
      `The token file ${this.#config.path} stayed locked by another process for ${this.#config.lockWaitMs} ms; nothing was written. Retry, or raise lockWaitMs.`,
    );
  }

  #ioError(action: 'read' | 'write' | 'lock', error: unknown): unknown {
    return fileError(action, error, this.#config.path);
  }
}
