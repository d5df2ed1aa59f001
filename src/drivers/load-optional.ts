import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';

/**
 * The npm package a module specifier belongs to: `mysql2/promise` is in `mysql2`, `@scope/pkg/sub` in `@scope/pkg`.
 * `npm install mysql2/promise` would be read as a GitHub repository, so install hints name the package.
 */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Loads an optional peer dependency (a database driver) on first use, so the core has no runtime dependency.
 * `specifier` may name a subpath (`mysql2/promise`); a missing package gives a `DRIVER_MISSING` error that names
 * the package to install (`npm install mysql2`).
 */
export async function loadOptional<T>(specifier: string, purpose: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      const packageName = packageOf(specifier);
      throw new TokenStoreError(
        ErrorCode.DRIVER_MISSING,
        `${purpose} needs the package "${packageName}", which is not installed: run npm install ${packageName}`,
        { cause: error },
      );
    }
    throw error;
  }
}
