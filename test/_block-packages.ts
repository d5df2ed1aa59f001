import { register } from 'node:module';

// Use: node --import ./dist/test/_block-packages.js with ZTS_BLOCKED_PACKAGES=pg,ioredis in the environment.
register('./_block-packages-hooks.js', import.meta.url);
