import type {
  AccountsRequestEvent,
  LifecycleEventMap,
  LifecycleEventName,
  LockWaitEvent,
  RenewalStep,
  StoreKind,
  StoreOperationEvent,
} from '../lifecycle-events.js';
import type { Attributes, Context, Counter, Histogram, Meter, ObservableResult, OpenTelemetryApi, Tracer } from './otel-api.js';
import { Attribute, DURATION_BUCKETS, INSTRUMENTATION_SCOPE, LIFETIME_BUCKETS, Metric, Span } from './signal-names.js';

/** What the signals listen to: a TokenManager's lifecycle events and its count of requests served from the cache. */
export interface ObservedManager {
  on<K extends LifecycleEventName>(name: K, listener: (event: LifecycleEventMap[K]) => void): () => void;
  readonly cacheServes: number;
}

// SpanKind and SpanStatusCode of @opentelemetry/api (stable numbers).
const INTERNAL = 0;
const CLIENT = 2;
const STATUS_ERROR = 2;

// The db.system.name of stores the database conventions fit; the others have only zoho.token.store.kind.
const DB_SYSTEMS: Partial<Record<StoreKind, string>> = {
  sqlite: 'sqlite',
  mysql: 'mysql',
  postgresql: 'postgresql',
  redis: 'redis',
  dynamodb: 'aws.dynamodb',
};

/** Error codes, socket codes and error names pass; anything else (a name a user chose) becomes `_OTHER`. */
const ERROR_TYPE = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;
const errorType = (value: string | null): string | undefined => (value === null ? undefined : ERROR_TYPE.test(value) ? value : '_OTHER');

interface Counts {
  cache: number;
  store: number;
  refresh: number;
}

/** Instruments of one meter, shared by every manager that records to it; lookups are summed over them. */
class Instruments {
  readonly refresh: Histogram;
  readonly lockWait: Histogram;
  readonly storeOperation: Histogram;
  readonly remainingLifetime: Histogram;
  readonly leaseExpiries: Counter;
  /** Counts of closed managers, so the lookups counter never goes down. */
  readonly #closed: Counts = { cache: 0, store: 0, refresh: 0 };
  readonly #live = new Set<() => Counts>();

  constructor(meter: Meter) {
    const seconds = (description: string, buckets: number[]) => ({ unit: 's', description, advice: { explicitBucketBoundaries: buckets } });
    this.refresh = meter.createHistogram(
      Metric.REFRESH_DURATION,
      seconds('How long a caller that needed a new access token waited for it, by outcome.', DURATION_BUCKETS),
    );
    this.lockWait = meter.createHistogram(
      Metric.LOCK_WAIT_DURATION,
      seconds('How long a caller waited for the refresh lock, by result.', DURATION_BUCKETS),
    );
    this.storeOperation = meter.createHistogram(
      Metric.STORE_OPERATION_DURATION,
      seconds('Store calls made by the token manager, by store kind and operation.', DURATION_BUCKETS),
    );
    this.remainingLifetime = meter.createHistogram(
      Metric.REMAINING_LIFETIME,
      seconds('Life left in an access token when it was served from the store or after a renewal.', LIFETIME_BUCKETS),
    );
    this.leaseExpiries = meter.createCounter(Metric.LEASE_EXPIRIES, {
      unit: '{lease}',
      description: 'Refresh-lock leases that ended before their holder released them.',
    });
    meter
      .createObservableCounter(Metric.LOOKUPS, {
        unit: '{lookup}',
        description: 'Token requests served, by source: the cache, the store, or a renewal.',
      })
      .addCallback((result: ObservableResult) => {
        const total = { ...this.#closed };
        for (const counts of this.#live) {
          const now = counts();
          total.cache += now.cache;
          total.store += now.store;
          total.refresh += now.refresh;
        }
        for (const source of ['cache', 'store', 'refresh'] as const) result.observe(total[source], { [Attribute.LOOKUP_SOURCE]: source });
      });
  }

  /** Adds a manager's counts to the lookups counter; the returned function folds them in for good (on close). */
  track(counts: () => Counts): () => void {
    this.#live.add(counts);
    return () => {
      if (!this.#live.delete(counts)) return;
      const last = counts();
      this.#closed.cache += last.cache;
      this.#closed.store += last.store;
      this.#closed.refresh += last.refresh;
    };
  }
}

const instrumentsByMeter = new WeakMap<Meter, Instruments>();

function instrumentsOf(meter: Meter): Instruments {
  let instruments = instrumentsByMeter.get(meter);
  if (instruments === undefined) instrumentsByMeter.set(meter, (instruments = new Instruments(meter)));
  return instruments;
}

export interface SignalSources {
  readonly api: OpenTelemetryApi;
  readonly meter: Meter;
  readonly tracer: Tracer;
}

/** The meter and tracer of this library from the given providers, else from the api's global ones. */
export function signalSources(
  api: OpenTelemetryApi,
  providers: { meterProvider?: { getMeter(name: string): Meter }; tracerProvider?: { getTracer(name: string): Tracer } } = {},
): SignalSources {
  return {
    api,
    meter: (providers.meterProvider ?? api.metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE),
    tracer: (providers.tracerProvider ?? api.trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE),
  };
}

/**
 * Records a manager's OpenTelemetry metrics and spans from its lifecycle events (docs/observability.md). Every span
 * is made when its event arrives, with the start and end times the event carries, under the context active then.
 * Resolves to a function that stops recording (the manager calls it on close).
 */
export function recordOpenTelemetry(manager: ObservedManager, { api, meter, tracer }: SignalSources): () => void {
  const instruments = instrumentsOf(meter);
  const counts: Counts = { cache: 0, store: 0, refresh: 0 };
  const untrack = instruments.track(() => ({ ...counts, cache: manager.cacheServes }));

  const span = (
    name: string,
    kind: number,
    startedAt: number,
    durationMs: number,
    attributes: Attributes,
    failed: boolean,
    parent: Context,
  ): Context => {
    const opened = tracer.startSpan(name, { kind, attributes, startTime: startedAt }, parent);
    if (failed) opened.setStatus({ code: STATUS_ERROR });
    opened.end(startedAt + durationMs);
    return api.trace.setSpan(parent, opened);
  };
  const storeSpan = (event: StoreOperationEvent, parent: Context) =>
    span(event.operation, CLIENT, event.startedAt, event.durationMs, storeAttributes(event, true), event.errorType !== null, parent);
  const lockSpan = (event: LockWaitEvent, parent: Context) =>
    span(Span.LOCK_WAIT, INTERNAL, event.startedAt, event.durationMs, lockAttributes(event), event.errorType !== null, parent);
  const accountsSpan = (event: AccountsRequestEvent, parent: Context) => {
    const attributes = accountsAttributes(event);
    span(event.method, CLIENT, event.startedAt, event.durationMs, attributes, attributes[Attribute.ERROR_TYPE] !== undefined, parent);
  };
  const stepSpan = (step: RenewalStep, parent: Context) => {
    if (step.kind === 'store') storeSpan(step, parent);
    else if (step.kind === 'lock') lockSpan(step, parent);
    else accountsSpan(step, parent);
  };

  const stops = [
    manager.on('renewalEnded', (event) => {
      const attributes = defined({
        [Attribute.REFRESH_OUTCOME]: event.outcome,
        [Attribute.GRANT_TYPE]: event.grantType,
        [Attribute.SERVER_ADDRESS]: event.serverAddress ?? undefined,
        [Attribute.ERROR_TYPE]: errorType(event.errorType),
      });
      instruments.refresh.record(event.durationMs / 1000, attributes);
      // A caller that joined another's run made no request: the run's own span tells what happened.
      if (event.outcome === 'coalesced') return;
      const failed = event.errorType !== null;
      const opened = tracer.startSpan(Span.REFRESH, { kind: INTERNAL, attributes, startTime: event.startedAt }, api.context.active());
      if (failed) opened.setStatus({ code: STATUS_ERROR });
      const inside = api.trace.setSpan(api.context.active(), opened);
      for (const step of event.steps) stepSpan(step, inside);
      opened.end(event.startedAt + event.durationMs);
    }),
    manager.on('storeOperation', (event) => {
      instruments.storeOperation.record(event.durationMs / 1000, storeAttributes(event, false));
      if (!event.inRenewal) storeSpan(event, api.context.active());
    }),
    manager.on('lockWait', (event) => {
      instruments.lockWait.record(event.durationMs / 1000, lockAttributes(event));
      if (!event.inRenewal) lockSpan(event, api.context.active());
    }),
    manager.on('accountsRequest', (event) => {
      if (!event.inRenewal) accountsSpan(event, api.context.active());
    }),
    manager.on('leaseLost', (event) => instruments.leaseExpiries.add(1, { [Attribute.STORE_KIND]: event.storeKind })),
    manager.on('served', (event) => {
      counts[event.source] += 1;
      if (event.lifeLeftMs !== null)
        instruments.remainingLifetime.record(Math.max(0, event.lifeLeftMs / 1000), { [Attribute.LOOKUP_SOURCE]: event.source });
    }),
  ];
  return () => {
    for (const stop of stops) stop();
    untrack();
  };
}

/** Without the keys whose value is undefined: an attribute is set or absent. */
function defined(attributes: Attributes): Attributes {
  for (const key of Object.keys(attributes)) if (attributes[key] === undefined) delete attributes[key];
  return attributes;
}

function storeAttributes(event: StoreOperationEvent, forSpan: boolean): Attributes {
  return defined({
    [Attribute.STORE_KIND]: event.storeKind,
    [Attribute.DB_OPERATION]: event.operation,
    [Attribute.DB_SYSTEM]: forSpan ? DB_SYSTEMS[event.storeKind] : undefined,
    [Attribute.ERROR_TYPE]: errorType(event.errorType),
  });
}

function lockAttributes(event: LockWaitEvent): Attributes {
  return defined({
    [Attribute.STORE_KIND]: event.storeKind,
    [Attribute.LOCK_RESULT]: event.result,
    [Attribute.ERROR_TYPE]: errorType(event.errorType),
  });
}

/** The HTTP client conventions: a status of 400 or more, or no answer, is an error. */
function accountsAttributes(event: AccountsRequestEvent): Attributes {
  const failure = event.errorType ?? (event.statusCode !== null && event.statusCode >= 400 ? String(event.statusCode) : null);
  return defined({
    [Attribute.HTTP_METHOD]: event.method,
    [Attribute.SERVER_ADDRESS]: event.serverAddress,
    [Attribute.SERVER_PORT]: event.serverPort,
    [Attribute.URL_SCHEME]: event.scheme,
    [Attribute.HTTP_STATUS]: event.statusCode ?? undefined,
    [Attribute.HTTP_RESEND_COUNT]: event.resendCount > 0 ? event.resendCount : undefined,
    [Attribute.ERROR_TYPE]: errorType(failure),
  });
}
