import { connect } from 'node:net';

export const SERVICES = {
  mariadb: { host: '127.0.0.1', port: 3306 },
  postgres: { host: '127.0.0.1', port: 5432 },
  redis: { host: '127.0.0.1', port: 6379 },
} as const;

export type ServiceName = keyof typeof SERVICES;

function reachable(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether the tests of a database store should run. In CI (CI=true) an unreachable server is a failure, never a
 * skip; elsewhere the suite is skipped with a loud message that says how to start the server.
 * Use: `const skip = await skipUnless('postgres'); describe('…', { skip }, () => …)`.
 */
export async function skipUnless(service: ServiceName): Promise<false | string> {
  const { host, port } = SERVICES[service];
  if (await reachable(host, port)) return false;
  const message = `${service} is not reachable on ${host}:${port}; its store tests are SKIPPED. Start it (see DEVELOPERS notes in .ci/run).`;
  if (process.env.CI === 'true') throw new Error(`CI: ${message.replace('SKIPPED', 'required in CI')}`);
  console.warn(`\n*** ${message} ***\n`);
  return message;
}
