import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../../errors/token-store-error.js';
import { hostLookupFailure } from '../../kernel/open/unknown-host.js';
import { SOCKET_ERROR_CODES } from '../../kernel/open/socket-errors.js';

// Redis reply errors start with an upper-case code word (the protocol's error code); these mean the
// credentials or ACL permissions were refused.
const ACCESS_DENIED_REPLIES = new Set(['WRONGPASS', 'NOAUTH', 'NOPERM']);
// Reply codes of a server that is up but cannot serve now.
const UNAVAILABLE_REPLIES = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'TRYAGAIN', 'CLUSTERDOWN', 'READONLY']);
// ioredis's own errors carry no code: these are its fixed messages for "not connected" (its sources'
// CONNECTION_CLOSED_ERROR_MSG, command timeouts, a disabled offline queue).
const CLIENT_OFFLINE_MESSAGES = [
  'Connection is closed.',
  'Command timed out',
  "Stream isn't writeable and enableOfflineQueue options is false",
];
// ioredis's Cluster gives up with these while slots move (ASK/MOVED/TRYAGAIN past maxRedirections), a master fails
// over, or no node answers; and a read script that walks an index to a record already moved away from its node (the
// only keys a script does not declare) is stopped by the server: the cluster is between states, and a retry after it
// settles works.
const CLUSTER_UNSETTLED =
  /^(Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|ERR Script attempted to access a non local key)/;

const replyCode = (error: Error): string => error.message.split(' ', 1)[0] ?? '';

function isOffline(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return true;
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'AbortError' || error.name === 'ClusterAllFailedError') return true;
  if (CLUSTER_UNSETTLED.test(error.message)) return true;
  if (error.name === 'ReplyError') return UNAVAILABLE_REPLIES.has(replyCode(error));
  return CLIENT_OFFLINE_MESSAGES.includes(error.message);
}

export function isAccessDenied(error: Error): boolean {
  return error.name === 'ReplyError' && ACCESS_DENIED_REPLIES.has(replyCode(error));
}

export function accessDenied(cause: unknown): TokenStoreError {
  return new TokenStoreError(
    ErrorCode.STORE_ACCESS_DENIED,
    "The Redis server refused the store's credentials or permissions; check the username, password and ACL rules.",
    { cause },
  );
}

export function unavailable(detail: string, cause?: unknown): TokenStoreError {
  return new TokenStoreError(ErrorCode.STORE_UNAVAILABLE, `The Redis server cannot be reached now (${detail}); retry later.`, {
    cause,
  });
}

/**
 * ioredis attaches the failed command to its reply errors (`error.command.args`), and the arguments of this store's
 * write scripts are token values: a logged or inspected cause would print them. Only the command's name is kept.
 */
function hideCommandArguments(error: Error): void {
  const command = (error as { command?: { name?: unknown; args?: unknown } }).command;
  if (typeof command !== 'object' || command === null || !Array.isArray(command.args)) return;
  (error as { command?: unknown }).command = { name: command.name, args: [`<${command.args.length} arguments hidden>`] };
}

/**
 * Turns a driver error into this library's: refused credentials → STORE_ACCESS_DENIED, anything that means
 * "not connected" → STORE_UNAVAILABLE. `lastConnectionError` is the client's latest 'error' event: a command
 * flushed from the offline queue says only that it gave up, the event says why (e.g. WRONGPASS). Other errors
 * are returned as they are (without their command's arguments), for the store to wrap as TOKEN_STORE with the cause
 * attached.
 */
export function classifyRedisError(error: unknown, lastConnectionError: Error | null = null): unknown {
  if (error instanceof TokenStoreError || error instanceof TokenArgumentError || !(error instanceof Error)) return error;
  hideCommandArguments(error);
  if (lastConnectionError) hideCommandArguments(lastConnectionError);
  if (isAccessDenied(error)) return accessDenied(error);
  if (isOffline(error)) {
    if (lastConnectionError && isAccessDenied(lastConnectionError)) return accessDenied(lastConnectionError);
    // The connection error says why, when it is a host name that does not resolve.
    for (const cause of [error, lastConnectionError]) {
      const lookup = hostLookupFailure(cause);
      if (lookup !== null)
        return new TokenStoreError(ErrorCode.STORE_UNAVAILABLE, `The Redis server cannot be reached: ${lookup}`, { cause });
    }
    return unavailable('the connection is down or a command timed out', error);
  }
  return error;
}

// Failures that mean a command handed to ioredis never reached the server: still in the offline queue when it gave
// up, a socket that could not take it, a connection never made.
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const NEVER_SENT_MESSAGES = ["Stream isn't writeable and enableOfflineQueue options is false"];

function neverSent(cause: unknown): boolean {
  if (!(cause instanceof Error)) return false;
  // The server answered with an error: a write script that declares its keys is refused before any of it runs.
  if (cause.name === 'ReplyError' || cause.name === 'MaxRetriesPerRequestError') return true;
  const code = (cause as { code?: unknown }).code;
  return (typeof code === 'string' && NEVER_SENT_CODES.has(code)) || NEVER_SENT_MESSAGES.includes(cause.message);
}

/**
 * A write script's typed error once ioredis was given the script: a connection lost or a reply that did not come
 * in time leaves the outcome unknown, since the server may have run it before the answer was lost. Such a
 * STORE_UNAVAILABLE gets `outcomeUnknown: true` and says so; other errors are returned as they are.
 */
export function withUnknownOutcome(error: unknown, action: string): unknown {
  if (!(error instanceof TokenStoreError) || error.code !== ErrorCode.STORE_UNAVAILABLE || error.outcomeUnknown === true) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (neverSent(cause)) return error;
  return new TokenStoreError(
    ErrorCode.STORE_UNAVAILABLE,
    `The Redis store could not ${action}: the connection was lost after the write was sent, or its answer did not come in time, ` +
      'so the server may have applied it. Read the token again once the server is back before relying on what is stored.',
    { cause: cause ?? error, outcomeUnknown: true },
  );
}
