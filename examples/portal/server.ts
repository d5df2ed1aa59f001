import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { levelLogger, TokenManager } from 'zoho-token-store';
import type { PortalConfig } from './config.js';
import { send } from './http-reply.js';
import { problemPage } from './pages.js';
import { PendingSignIns } from './pending-sign-ins.js';
import type { PortalContext } from './portal-context.js';
import { route } from './routes.js';
import { Sessions } from './session.js';

export interface RunningPortal {
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly manager: TokenManager;
  /** Stops listening, drops open connections and closes the manager (not the store: its opener closes it). */
  close(): Promise<void>;
}

export interface PortalListen {
  readonly host?: string;
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** The configuration, once the origin is known (the redirect URI is built from it). */
  readonly config: (origin: string) => PortalConfig | Promise<PortalConfig>;
}

/** Starts the portal on node:http. Logs one line per request: method, path (never the query), status, time. */
export async function startPortal({ host = '127.0.0.1', port = 3000, config: configure }: PortalListen): Promise<RunningPortal> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  let manager: TokenManager | null = null;
  try {
    const config = await configure(url);
    manager = new TokenManager({
      store: config.store,
      environment: config.environment,
      environments: config.environments,
      client: { clientId: config.clientId, clientSecret: config.clientSecret, redirectUri: config.redirectUri },
      logger: levelLogger('info', ({ level, message, fields }) => config.log(`${level} ${message} ${JSON.stringify(fields)}`)),
      ...(config.clock ? { clock: config.clock } : {}),
    });
    const context: PortalContext = { config, manager, sessions: new Sessions(config.sessionKey), pending: new PendingSignIns() };
    server.on('request', (request, response) => {
      const started = Date.now();
      const path = new URL(request.url ?? '/', url);
      route(context, request, path)
        .catch(() => ({ page: problemPage(500, 'Something went wrong', 'Please try again.') }))
        .then((reply) => config.log(`${request.method} ${path.pathname} ${send(response, reply)} ${Date.now() - started}ms`));
    });
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  const running = manager;
  const close = async () => {
    await closeServer(server);
    await running.close();
  };
  return { url, manager: running, close };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
