// `npm run portal`: the student portal against the local Zoho emulator, or, with ZOHO_CLIENT_ID set, against real
// Zoho (see examples/portal/README.md). Ctrl-C stops it.
import { zohoConfig } from './config.js';
import { startDemo } from './demo.js';
import { startPortal } from './server.js';
import { openPortalStore } from './store.js';

const env = process.env;
const port = Number(env.PORTAL_PORT ?? (env.ZOHO_REDIRECT_URI ? new URL(env.ZOHO_REDIRECT_URI).port : 3000));
let close: () => Promise<void>;

if (env.ZOHO_CLIENT_ID) {
  const store = await openPortalStore(env.PORTAL_STORE);
  const portal = await startPortal({ host: env.PORTAL_HOST ?? '127.0.0.1', port, config: (origin) => zohoConfig(env, origin, store) });
  close = async () => {
    await portal.close();
    await store.close();
  };
  console.log(`Zylker Academy portal (Zoho): ${portal.url}`);
} else {
  const demo = await startDemo({ port, storeLocation: env.PORTAL_STORE });
  close = demo.close;
  console.log(`Zylker Academy portal (emulator): ${demo.portal.url}`);
  console.log(`Demo students: ${demo.students.map((student) => `${student.fullName} <${student.email}> (${student.dataCenter})`).join(', ')}; pick one on the emulator's consent page.`);
}
console.log('Ctrl-C to stop.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void close().then(() => process.exit(0)));
