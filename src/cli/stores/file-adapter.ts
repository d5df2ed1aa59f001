import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { stat } from 'node:fs/promises';
import { usageError } from '../cli-error.js';
import { openedStore, type OpenedStore, type StoreFinding } from './opened-store.js';
import type { StoreLocation } from './store-location.js';

/** `file:./sdk_tokens.txt`: the official token file, through FileStore. */
export async function openStore(location: StoreLocation, encryption?: EncryptionOptions): Promise<OpenedStore> {
  if (location.params.size > 0) throw usageError('A file: store location takes no options (nothing after "?").');
  const { FileStore } = await import('../../stores/file/index.js');
  const store = new FileStore({ path: location.path as string, ...(encryption ? { encryption } : {}) });
  return openedStore(store, location, () => inspectFile(store.config.path));
}

/** The file holds secrets: it should be readable by its owner only. */
async function inspectFile(path: string): Promise<StoreFinding[]> {
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
