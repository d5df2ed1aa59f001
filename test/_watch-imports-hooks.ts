// Module hooks that record the imports of one package (see _watch-imports.ts).
import { appendFileSync } from 'node:fs';

const FILE = process.env.ZTS_WATCH_IMPORTS ?? '';
const PREFIX = process.env.ZTS_WATCH_PREFIX ?? '';

type Next = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<unknown> {
  const watched = FILE !== '' && PREFIX !== '' && specifier.startsWith(PREFIX);
  if (watched) appendFileSync(FILE, `tried ${specifier}\n`);
  const resolved = await next(specifier, context);
  if (watched) appendFileSync(FILE, `loaded ${specifier}\n`);
  return resolved;
}
