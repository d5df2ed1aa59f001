// A throwaway PgBouncer of a test's own, in transaction pooling mode, on its own port, in front of the shared
// PostgreSQL server: what most managed PostgreSQL offerings put between an application and the database. Debian's
// pgbouncer refuses to run as root, so it runs as the `postgres` user, from a folder that user owns.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './_free-port.js';
import { SERVICES } from './_services.js';

/** Why PgBouncer cannot run here, or null when it can. */
export function pgbouncerMissing(): string | null {
  if (spawnSync('pgbouncer', ['--version']).status !== 0) return 'pgbouncer is not installed (Debian package pgbouncer)';
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return 'there is no postgres user to run pgbouncer as';
  return null;
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export interface PgBouncer {
  readonly port: number;
  /** Connection settings for pg through the pooler (same database and users as the shared server). */
  readonly connection: { host: string; port: number; user: string; database: string };
  stop(): Promise<void>;
}

/** Starts PgBouncer (pool_mode = transaction) in front of the shared server's `test` database. */
export async function startPgBouncer(): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'zts-pgbouncer-'));
  const port = await freePort();
  const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
  const { host, port: serverPort } = SERVICES.postgres;
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n"root" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `test = host=${host} port=${serverPort} dbname=test`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 10',
      'max_client_conn = 500',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, file), uid, gid);
  const child: ChildProcess = spawn('runuser', ['-u', 'postgres', '--', 'pgbouncer', join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await listening(port)); i += 1) await delay(50);
  if (!(await listening(port))) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pgbouncer did not start on port ${port}`);
  }
  return {
    port,
    connection: { host: '127.0.0.1', port, user: 'postgres', database: 'test' },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, delay(5_000).then(() => child.kill('SIGKILL'))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
