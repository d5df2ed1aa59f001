// Runs one documentation snippet: imports it (top-level await included), then ends the process once its output is
// written. A block that opens a store or a server need not close it, as a short script in the docs would not.
import { pathToFileURL } from 'node:url';

await import(pathToFileURL(process.argv[2]!).href);
process.stdout.write('', () => process.stderr.write('', () => process.exit(0)));
