// The names of every signal and attribute this library records: docs/observability.md lists them, and the tests read
// them from here. OpenTelemetry's style: dotted lowercase, durations in seconds, `error.type` for failures.

export const INSTRUMENTATION_SCOPE = 'zoho-token-store';

export const Metric = {
  REFRESH_DURATION: 'zoho.token.refresh.duration',
  LOCK_WAIT_DURATION: 'zoho.token.lock.wait.duration',
  LOOKUPS: 'zoho.token.lookups',
  STORE_OPERATION_DURATION: 'zoho.token.store.operation.duration',
  REMAINING_LIFETIME: 'zoho.token.access_token.remaining_lifetime',
  LEASE_EXPIRIES: 'zoho.token.lock.lease.expiries',
} as const;

export const Span = {
  REFRESH: 'zoho.token.refresh',
  LOCK_WAIT: 'zoho.token.lock.wait',
} as const;

export const Attribute = {
  REFRESH_OUTCOME: 'zoho.token.refresh.outcome',
  GRANT_TYPE: 'zoho.token.grant_type',
  LOCK_RESULT: 'zoho.token.lock.result',
  LOOKUP_SOURCE: 'zoho.token.lookup.source',
  STORE_KIND: 'zoho.token.store.kind',
  ERROR_TYPE: 'error.type',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  HTTP_METHOD: 'http.request.method',
  HTTP_STATUS: 'http.response.status_code',
  HTTP_RESEND_COUNT: 'http.request.resend_count',
  URL_SCHEME: 'url.scheme',
  DB_SYSTEM: 'db.system.name',
  DB_OPERATION: 'db.operation.name',
} as const;

// Seconds. A refresh or a lock wait takes from milliseconds to the lock's 2-minute bound.
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
// Seconds of life left: the refresh margin (60 s) to Zoho's one-hour tokens.
export const LIFETIME_BUCKETS = [0, 10, 30, 60, 120, 300, 600, 900, 1800, 2700, 3600];
