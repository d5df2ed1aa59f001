import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** fsync the new file before the rename and the directory after it, so a power loss keeps old or new, never neither. */
  readonly fsync: boolean;
  /** Permission bits of the new file. */
  readonly mode: number;
}

const TEMP_SUFFIX = '.tmp';
const tempPrefix = (path: string): string => `.${basename(path)}.`;

/**
 * Replaces `path` with `text` atomically: a temporary file in the same directory (so the rename stays within one
 * file system), written in full and synced, then renamed over the target and the directory synced. Readers see
 * the old file or the new one, never a part; a crash leaves at most a stray temporary file, never a short file.
 */
export async function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions): Promise<void> {
  const temp = join(dirname(path), `${tempPrefix(path)}${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const handle = await open(temp, 'wx', options.mode);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      // The umask may have narrowed the mode; set it exactly, as the file may hold a new owner's tokens.
      await handle.chmod(options.mode);
      if (options.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (options.fsync) await syncDirectory(dirname(path));
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory (EINVAL, EISDIR on a few); the rename itself is still atomic.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    await handle.close();
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the temporary files that writers killed mid-write left beside `path` (their process is gone). Called
 * under the write lock, so no live writer of this host is using them either way.
 */
export async function removeStrayTempFiles(path: string): Promise<number> {
  const prefix = tempPrefix(path);
  let removed = 0;
  for (const name of await readdir(dirname(path))) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await unlink(join(dirname(path), name)).catch(() => undefined);
    removed += 1;
  }
  return removed;
}
