import { register } from 'node:module';

// Use: node --import ./dist/test/_watch-imports.js with ZTS_WATCH_IMPORTS=<file> and ZTS_WATCH_PREFIX=<specifier
// prefix> in the environment: every import whose specifier starts with the prefix is appended to the file, as
// `tried <specifier>` before it is resolved and `loaded <specifier>` once it resolved.
register('./_watch-imports-hooks.js', import.meta.url);
