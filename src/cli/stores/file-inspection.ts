import { stat } from 'node:fs/promises';
import type { StoreFinding } from './opened-store.js';

/** `doctor`'s check of a token file: it holds secrets, so it should be readable by its owner only. */
export async function inspectTokenFile(path: string): Promise<StoreFinding[]> {
  try {
    const { mode } = await stat(path);
    const open = mode & 0o077;
    return [
      open === 0
        ? { ok: true, check: 'file permissions', message: `${path} is readable by its owner only (${(mode & 0o777).toString(8)})` }
        : {
            ok: false,
            severity: 'warn',
            check: 'file permissions',
            message: `${path} is readable or writable by others (mode ${(mode & 0o777).toString(8)}); it holds refresh tokens`,
            hint: `chmod 600 ${path}`,
          },
    ];
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      return [{ ok: true, check: 'file', message: `${path} does not exist yet; it is created with mode 600 on the first save` }];
    }
    return [{ ok: false, check: 'file', message: `${path} cannot be examined (${(error as { code?: string }).code ?? 'error'})` }];
  }
}
