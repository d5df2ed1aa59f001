// Runs the accounts emulator until SIGINT or SIGTERM: `npm run emulator`, or `node dist/src/testing/emulator/main.js`.
import { runDevEmulator } from './dev-server.js';

await runDevEmulator();
