// Module hooks that make the CLI's own dependencies unresolvable, as for a user who installed the library
// without them: any import of one fails with ERR_MODULE_NOT_FOUND.
const BLOCKED = new Set(['commander']);

type Next = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<unknown> {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (name && BLOCKED.has(name)) {
    throw Object.assign(new Error(`Cannot find package '${specifier}' (blocked by the test)`), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return next(specifier, context);
}
