import type { StoreEngine } from '../kernel/store-engine.js';
import { STORE_ENGINES } from './engines.js';

const code = (text: string): string => `\`${text}\``;

function needs(engine: StoreEngine): string {
  return engine.packages.length === 0 ? '' : `; needs ${engine.packages.map(code).join(' and ')}`;
}

/** The README's table of stores: where each is imported from, what holds the tokens, what its lock covers. */
export function storesTable(engines: readonly StoreEngine[] = STORE_ENGINES): string {
  const rows = engines.map(
    (engine) => `| ${code(engine.importPath)} | ${code(engine.storeName)} | ${engine.summary}${needs(engine)} | ${engine.lockCovers} |`,
  );
  return ['| import | store | engine | refresh lock covers |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README's table of store locations, as `openStore` and the CLI take them. */
export function locationsTable(engines: readonly StoreEngine[] = STORE_ENGINES): string {
  const rows = engines.map(({ location, storeName }) => {
    const also = location.alternatives === undefined ? '' : ` (${location.alternatives})`;
    return `| ${code(location.example)}${also} | ${code(storeName)} | ${code(location.openCall)} |`;
  });
  return ['| location | store | the same with its own `open` |', '|---|---|---|', ...rows].join('\n');
}

/** The generated tables, by the name of their markers in README.md (`<!-- stores-table:start -->` … `:end -->`). */
export const GENERATED_TABLES: Readonly<Record<string, () => string>> = {
  'stores-table': () => storesTable(),
  'locations-table': () => locationsTable(),
};

/** `text` with every generated table between its markers replaced by its current rendering. */
export function withGeneratedTables(text: string): string {
  let result = text;
  for (const [name, render] of Object.entries(GENERATED_TABLES)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = result.indexOf(start);
    const to = result.indexOf(end);
    if (from === -1 || to < from) throw new Error(`README.md has no ${start} … ${end} markers.`);
    result = `${result.slice(0, from + start.length)}\n${render()}\n${result.slice(to)}`;
  }
  return result;
}
