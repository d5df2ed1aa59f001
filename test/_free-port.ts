// Free local ports for the throwaway servers tests start (emulators, redis-server, PgBouncer), in one place.
import { createServer } from 'node:net';

/** A port of 127.0.0.1 nobody listens on right now, below `below` when given (a cluster bus port is port + 10000). */
export async function freePort(below = 65_536): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port > 0 && port < below) return port;
  }
}

/** Whether nothing listens on `port` of 127.0.0.1 now. */
export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
