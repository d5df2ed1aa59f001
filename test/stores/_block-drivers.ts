import { register } from 'node:module';

register('./_block-drivers-hooks.js', import.meta.url);
