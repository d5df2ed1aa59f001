import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { levelLogger, systemClock, TokenManager } from 'zoho-token-store';
import type { PortalConfig } from './config.js';
import { PortalCookies } from './cookies.js';
import { send, type Reply } from './http-reply.js';
import { problemPage } from './pages.js';
import { PendingSignIns } from './pending-sign-ins.js';
import type { PortalContext } from './portal-context.js';
import { PortalLog } from './portal-log.js';
import { publicOriginOf } from './public-origin.js';
import { ReplacedRefreshTokens } from './replaced-refresh-tokens.js';
import { parseRequestTarget } from './request-target.js';
import { route, routeName } from './routes.js';
import { SessionRegistry } from './sessions.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { visitOf, type Visit } from './visit.js';

export interface RunningPortal {
  /** Where it listens, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** The origin students use (PORTAL_PUBLIC_URL; else `url`). */
  readonly publicOrigin: string;
  readonly manager: TokenManager;
  /** What the portal holds in memory: both are bounded (see examples/portal/README.md). */
  stats(): { readonly pendingSignIns: number; readonly sessions: number };
  /**
   * Stops taking connections, lets requests under way finish (at most `graceMs`, default 10 s), then drops every
   * connection and closes the manager (not the store: its opener closes it). Safe to call twice.
   */
  close(graceMs?: number): Promise<void>;
}

export interface PortalListen {
  readonly host?: string;
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /**
   * The URL students reach the portal at, when it is not where it listens: `https://portal.school.example` behind
   * a TLS proxy. Its scheme decides the cookies (`__Host-` and `Secure` for https); its origin is the only one
   * forms are taken from, and the redirect URI is built on it.
   */
  readonly publicUrl?: string;
  /** The configuration, once the public origin is known (the redirect URI is built from it). */
  readonly config: (publicOrigin: string) => PortalConfig | Promise<PortalConfig>;
}

// Slow or stuck clients are cut off: a request's headers within 15 s, the whole request within 30 s.
const SERVER_OPTIONS = { headersTimeout: 15_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };

/** Starts the portal on node:http. Logs one JSON line per request: method, route, status, duration, student pseudonym. */
export async function startPortal({ host = '127.0.0.1', port = 3000, publicUrl, config: configure }: PortalListen): Promise<RunningPortal> {
  const server = createServer(SERVER_OPTIONS);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  let manager: TokenManager | null = null;
  let context: PortalContext;
  try {
    const publicOrigin = publicOriginOf(publicUrl ?? url);
    const config = await configure(publicOrigin);
    const log = new PortalLog(config.log, config.logKey);
    const replaced = new ReplacedRefreshTokens();
    const clock = config.clock ?? systemClock;
    manager = new TokenManager({
      store: replaced.wrap(config.store),
      environment: config.environment,
      environments: config.environments,
      client: { clientId: config.clientId, clientSecret: config.clientSecret, redirectUri: config.redirectUri },
      logger: levelLogger('info', ({ level, message, fields }) => log.library(level, message, fields)),
      clock,
    });
    context = {
      config,
      manager,
      publicOrigin,
      cookies: new PortalCookies(publicOrigin),
      sessions: new SessionRegistry(),
      pending: new PendingSignIns(),
      throttle: new SignInThrottle(config.grantCodeLimit),
      replaced,
      log,
      now: () => clock.now(),
    };
  } catch (error) {
    await closeServer(server, 0);
    throw error;
  }
  const running = manager;
  const https = context.publicOrigin.startsWith('https:');
  let closing = false;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (closing) response.shouldKeepAlive = false; // shutting down: this connection ends with this response
    response.once('finish', () => closing && setImmediate(() => server.closeIdleConnections())); // and one under way at close
    serve(context, https, request, response).catch(() => response.destroy());
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(context.log, error, socket));
  server.on('error', (error: NodeJS.ErrnoException) => context.log.event('server_error', { code: error.code ?? 'unknown' }));
  let closed: Promise<void> | null = null;
  const close = (graceMs = 10_000) => {
    closed ??= (async () => {
      closing = true;
      await closeServer(server, graceMs);
      await running.close();
    })();
    return closed;
  };
  context.log.event('started', { url, public_origin: context.publicOrigin });
  return {
    url,
    publicOrigin: context.publicOrigin,
    manager: running,
    stats: () => ({ pendingSignIns: context.pending.size, sessions: context.sessions.size }),
    close,
  };
}

/** One request, start to log line. Nothing in it can throw past here: a bug is a 500 page, never a dead process. */
async function serve(context: PortalContext, https: boolean, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  request.on('error', () => undefined); // a client that went away mid-body: its read fails below, which is enough
  response.on('error', () => undefined);
  let name = '(malformed)';
  let visit: Visit | null = null;
  let status: number;
  try {
    const url = parseRequestTarget(request.url, context.publicOrigin);
    let reply: Reply;
    if (url === null) {
      reply = { page: problemPage(400, 'Bad request', 'That address is not one the portal can read.', null, { connection: 'close' }) };
    } else {
      name = routeName(url.pathname);
      visit = visitOf(context, request, url);
      reply = await route(context, visit);
    }
    status = send(response, reply, https);
  } catch (error) {
    context.log.event('request_failed', { route: name, error: error instanceof Error ? error.name : 'unknown' });
    status = 500;
    if (response.headersSent) response.destroy();
    else send(response, { page: problemPage(500, 'Something went wrong', 'Please try again.', visit?.viewer ?? null) }, https);
  }
  context.log.event('request', {
    method: context.log.method(request.method),
    route: name,
    status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    user: context.log.user(visit?.session?.user ?? null),
  });
}

/**
 * A request Node's parser refused (bad request line, bad header, headers too large, too slow): a bare status line
 * and the connection closed, as Node would do by default, plus a log line with the parser's code (not the bytes).
 */
function answerClientError(log: PortalLog, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  log.event('bad_request', { status, reason: error.code ?? 'unknown' });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

/** Stops listening; idle connections close now, busy ones when their response is sent or `graceMs` has passed. */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
