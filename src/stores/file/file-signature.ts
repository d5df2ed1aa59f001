import type { Stats } from 'node:fs';

/**
 * What identifies one version of the file without reading it: inode, size, mtime and ctime. A writer that
 * replaces the file by rename (this store) always makes a new inode; a writer that rewrites it in place (the
 * official SDKs, editors) changes mtime and usually size.
 */
export interface FileSignature {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

export const signatureOf = (stat: Stats): FileSignature => ({
  ino: stat.ino,
  size: stat.size,
  mtimeMs: stat.mtimeMs,
  ctimeMs: stat.ctimeMs,
});

export const sameSignature = (a: FileSignature | null, b: Stats | FileSignature | undefined): boolean =>
  a !== null && b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

/**
 * File times advance in ticks (a few ms on Linux, a whole second on some file systems), so an in-place rewrite of
 * the same size within the tick of our read leaves the signature unchanged. A version read that recently is
 * trusted only until this many ms after its mtime, then read once more ("racy" entries, as git calls them).
 */
export function racyWindowMs(signature: FileSignature): number {
  return signature.mtimeMs % 1000 === 0 ? 2_000 : 25;
}
