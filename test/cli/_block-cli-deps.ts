import { register } from 'node:module';

register('./_block-cli-deps-hooks.js', import.meta.url);
