// Module hooks that make the packages named in ZTS_BLOCKED_PACKAGES (comma-separated) unresolvable, as for a user
// who did not install them: any import of one fails with ERR_MODULE_NOT_FOUND.
const BLOCKED = new Set((process.env.ZTS_BLOCKED_PACKAGES ?? '').split(',').filter((name) => name !== ''));

type Next = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<unknown> {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (name && BLOCKED.has(name)) {
    throw Object.assign(new Error(`Cannot find package '${specifier}' (blocked by the test)`), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return next(specifier, context);
}
