// dynalite (an open-source DynamoDB on LevelDB, in memory here) started by the tests themselves on a free local
// port, and stopped after them; tables named per test.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';

export { DYNALITE_CREDENTIALS, DYNALITE_ENV, DYNALITE_REGION, dynaliteOptions } from './_dynalite-client.js';

export interface RunningDynalite {
  readonly endpoint: string;
  readonly port: number;
  readonly server: Server;
  stop(): Promise<void>;
}

/** A fresh in-memory dynalite on a free port of 127.0.0.1; tables become ACTIVE at once. */
export async function startDynalite(): Promise<RunningDynalite> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let shared: Promise<RunningDynalite> | null = null;

/**
 * One dynalite for this test process, started on first use; `stopSharedDynalite` (in an `after`) stops it. Its
 * listener does not keep the process alive, so a test file that only borrows it (the shared store cases) ends
 * without stopping it.
 */
export function sharedDynalite(): Promise<RunningDynalite> {
  shared ??= startDynalite().then((running) => {
    running.server.unref();
    return running;
  });
  return shared;
}

export async function stopSharedDynalite(): Promise<void> {
  const running = shared;
  shared = null;
  if (running) await (await running).stop();
}

/** A table name no other test uses. */
export const uniqueTable = (label = 't'): string => `zts-${label}-${randomBytes(5).toString('hex')}`;
