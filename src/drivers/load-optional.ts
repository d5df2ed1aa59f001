import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';

/**
 * Loads an optional peer dependency (a database driver) on first use, so the core has no runtime dependency.
 * A missing package gives a `DRIVER_MISSING` error that names the package to install.
 */
export async function loadOptional<T>(packageName: string, purpose: string): Promise<T> {
  try {
    return (await import(packageName)) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new TokenStoreError(
        ErrorCode.DRIVER_MISSING,
        `${purpose} needs the package "${packageName}", which is not installed: run npm install ${packageName}`,
        { cause: error },
      );
    }
    throw error;
  }
}
