// `npm run portal`: the student portal against the local Zoho emulator, or, with ZOHO_CLIENT_ID set, against real
// Zoho (see examples/portal/README.md). Log lines (JSON) go to stdout, the banner to stderr. Ctrl-C stops it.
import { logKeyOf, zohoConfig } from './config.js';
import { startDemo } from './demo.js';
import { startPortal } from './server.js';
import { openPortalStore } from './store.js';

const env = process.env;
const redirect = env.ZOHO_REDIRECT_URI ? new URL(env.ZOHO_REDIRECT_URI) : null;
// Without a public URL, the redirect URI's origin is where students come, and its port is the one listened on.
const publicUrl = env.PORTAL_PUBLIC_URL ?? redirect?.origin;
const port = Number(env.PORTAL_PORT ?? (env.PORTAL_PUBLIC_URL === undefined && redirect?.port ? redirect.port : 3000));
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('PORTAL_PORT must be a port number (0 picks a free one).');
const host = env.PORTAL_HOST ?? '127.0.0.1';
const logKey = logKeyOf(env.PORTAL_LOG_KEY);
let close: (graceMs?: number) => Promise<void>;

if (env.ZOHO_CLIENT_ID) {
  const store = await openPortalStore(env.PORTAL_STORE);
  const portal = await startPortal({ host, port, ...(publicUrl ? { publicUrl } : {}), config: (origin) => zohoConfig(env, origin, store) });
  close = async (graceMs) => {
    await portal.close(graceMs);
    await store.close();
  };
  console.error(`Zylker Academy portal (Zoho): ${portal.publicOrigin} (listening on ${portal.url})`);
} else {
  const demo = await startDemo({ host, port, ...(publicUrl ? { publicUrl } : {}), storeLocation: env.PORTAL_STORE, logKey });
  close = demo.close;
  console.error(`Zylker Academy portal (emulator): ${demo.portal.url}`);
  console.error(
    `Demo students: ${demo.students.map((student) => `${student.fullName} <${student.email}> (${student.dataCenter})`).join(', ')}; pick one on the emulator's consent page.`,
  );
}
console.error('Ctrl-C to stop.');

let stopping = false;
/** Stops cleanly once: requests under way finish (up to 10 s), then the store and the emulator close. */
function stop(reason: string): void {
  if (stopping) {
    if (reason !== 'parent-exited') process.exit(1); // a second Ctrl-C: stop now
    return;
  }
  stopping = true;
  console.error(`Stopping (${reason})…`);
  close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));

// `npm run portal` runs `sh -c "npm run build && node …"`. A SIGTERM sent to npm reaches that shell, which dies
// without passing it on, and the portal would be left running with no parent. So it watches its parent: when the
// parent is gone (the process has a new one), it stops as if signalled.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop('parent-exited'), 500).unref();
