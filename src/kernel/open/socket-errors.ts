// The socket errors every network store reads the same way, written once for all engines.

/** Socket error codes of a server that is down, restarting or unreachable: the store answers STORE_UNAVAILABLE. */
export const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Of those, the codes raised before any connection existed: a write that failed with one of them was never sent,
 * so its outcome is known (nothing was applied) and it carries no `outcomeUnknown`.
 */
export const NEVER_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
